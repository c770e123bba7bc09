;; The Gram pass of the Lanczos SVD (truncated-svd.ts) over a range of rows of a CSR matrix g,
;; with 128-bit SIMD:
;;
;;   out[j] += w_r * g[r][j]  for every stored entry of row r,  w_r = sum_j g[r][j] * x[j],
;;
;; for r in [r0, r1). Indices within a row are distinct, so the four updates of a step load
;; before they store. Every operand lives in one shared memory (gram-kernel.ts lays it out);
;; arguments are byte offsets into it: indptr (i32, rows + 1), indices (i32), values (f64),
;; x and out (f64, g's columns).
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "gramRows") (param $indptr i32) (param $indices i32) (param $values i32) (param $r0 i32) (param $r1 i32) (param $x i32) (param $out i32)
    (local $i i32) (local $start i32) (local $p i32) (local $end i32) (local $end4 i32) (local $w f64)
    (local $at i32) (local $va i32) (local $j0 i32) (local $j1 i32) (local $j2 i32) (local $j3 i32)
    (local $acc v128) (local $v01 v128) (local $v23 v128) (local $o01 v128) (local $o23 v128) (local $wv v128)
    (local.set $i (local.get $r0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $r1)))
        (local.set $start (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $indptr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end4 (i32.sub (local.get $end) (i32.const 3)))
        ;; w = row . x: two lanes, four entries a step, then the tail
        (local.set $p (local.get $start))
        (local.set $acc (f64x2.splat (f64.const 0)))
        (block $dot4_done
          (loop $dot4
            (br_if $dot4_done (i32.ge_s (local.get $p) (local.get $end4)))
            (local.set $at (i32.add (local.get $indices) (i32.shl (local.get $p) (i32.const 2))))
            (local.set $va (i32.add (local.get $values) (i32.shl (local.get $p) (i32.const 3))))
            (local.set $o01 (f64x2.replace_lane 1
              (f64x2.splat (f64.load (i32.add (local.get $x) (i32.shl (i32.load (local.get $at)) (i32.const 3)))))
              (f64.load (i32.add (local.get $x) (i32.shl (i32.load offset=4 (local.get $at)) (i32.const 3))))))
            (local.set $o23 (f64x2.replace_lane 1
              (f64x2.splat (f64.load (i32.add (local.get $x) (i32.shl (i32.load offset=8 (local.get $at)) (i32.const 3)))))
              (f64.load (i32.add (local.get $x) (i32.shl (i32.load offset=12 (local.get $at)) (i32.const 3))))))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.add (f64x2.mul (v128.load (local.get $va)) (local.get $o01)) (f64x2.mul (v128.load offset=16 (local.get $va)) (local.get $o23)))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $dot4)))
        (local.set $w (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
        (block $dot1_done
          (loop $dot1
            (br_if $dot1_done (i32.ge_s (local.get $p) (local.get $end)))
            (local.set $w (f64.add (local.get $w)
              (f64.mul (f64.load (i32.add (local.get $values) (i32.shl (local.get $p) (i32.const 3))))
                       (f64.load (i32.add (local.get $x) (i32.shl (i32.load (i32.add (local.get $indices) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $dot1)))
        ;; out += w * row, four entries a step (loads before stores), then the tail
        (if (f64.ne (local.get $w) (f64.const 0))
          (then
            (local.set $p (local.get $start))
            (local.set $wv (f64x2.splat (local.get $w)))
            (block $add4_done
              (loop $add4
                (br_if $add4_done (i32.ge_s (local.get $p) (local.get $end4)))
                (local.set $at (i32.add (local.get $indices) (i32.shl (local.get $p) (i32.const 2))))
                (local.set $va (i32.add (local.get $values) (i32.shl (local.get $p) (i32.const 3))))
                (local.set $j0 (i32.add (local.get $out) (i32.shl (i32.load (local.get $at)) (i32.const 3))))
                (local.set $j1 (i32.add (local.get $out) (i32.shl (i32.load offset=4 (local.get $at)) (i32.const 3))))
                (local.set $j2 (i32.add (local.get $out) (i32.shl (i32.load offset=8 (local.get $at)) (i32.const 3))))
                (local.set $j3 (i32.add (local.get $out) (i32.shl (i32.load offset=12 (local.get $at)) (i32.const 3))))
                (local.set $o01 (f64x2.add (f64x2.mul (local.get $wv) (v128.load (local.get $va)))
                  (f64x2.replace_lane 1 (f64x2.splat (f64.load (local.get $j0))) (f64.load (local.get $j1)))))
                (local.set $o23 (f64x2.add (f64x2.mul (local.get $wv) (v128.load offset=16 (local.get $va)))
                  (f64x2.replace_lane 1 (f64x2.splat (f64.load (local.get $j2))) (f64.load (local.get $j3)))))
                (f64.store (local.get $j0) (f64x2.extract_lane 0 (local.get $o01)))
                (f64.store (local.get $j1) (f64x2.extract_lane 1 (local.get $o01)))
                (f64.store (local.get $j2) (f64x2.extract_lane 0 (local.get $o23)))
                (f64.store (local.get $j3) (f64x2.extract_lane 1 (local.get $o23)))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br $add4)))
            (block $add1_done
              (loop $add1
                (br_if $add1_done (i32.ge_s (local.get $p) (local.get $end)))
                (local.set $j0 (i32.add (local.get $out) (i32.shl (i32.load (i32.add (local.get $indices) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $j0) (f64.add (f64.load (local.get $j0))
                  (f64.mul (local.get $w) (f64.load (i32.add (local.get $values) (i32.shl (local.get $p) (i32.const 3)))))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $add1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))))
