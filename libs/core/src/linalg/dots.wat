;; Dot products of a block of query rows with a range of target rows, with 128-bit SIMD
;; (f64x2): the kernel of the similar-movie and recommendation rankings (dot-kernel.ts).
;;
;; Rows are `dim` doubles, `dim` even (the caller pads an odd dimension with a zero column,
;; which adds exact zeros). Each dot product keeps two lanes: lane 0 sums the even columns and
;; lane 1 the odd ones, each in column order, and the result is lane 0 + lane 1. The order is
;; fixed, so results do not depend on tiling or on which rows share a tile.
;;
;; Register blocking as in the scalar blockDotProducts: tiles of 2 queries x 4 targets, eight
;; f64x2 accumulators, each loaded pair of columns feeding two or four multiply-adds.
;;
;; Regenerate dots.wasm.ts after editing: `node tools/build-wasm.mjs`.
(module
  ;; Imported at its final size: growing a memory detaches its ArrayBuffer, which slows every
  ;; typed-array loop in the thread from then on (see dot-kernel.ts).
  (import "env" "memory" (memory 1))

  ;; lane 0 + lane 1
  (func $hsum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  ;; out[b * nt + j] = q_b . t_j for b < count, j < nt. Byte offsets q, t, out; dim even.
  (func (export "dots") (param $q i32) (param $count i32) (param $t i32) (param $nt i32) (param $dim i32) (param $out i32)
    (local $row i32)      ;; bytes per row = dim * 8
    (local $j i32) (local $b i32) (local $c i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32)
    (local $qa i32) (local $qb i32) (local $o i32)
    (local $x v128) (local $y v128) (local $u0 v128) (local $u1 v128) (local $u2 v128) (local $u3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $row (i32.shl (local.get $dim) (i32.const 3)))
    (local.set $j (i32.const 0))
    ;; Groups of four targets.
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $nt)))
        (local.set $t0 (i32.add (local.get $t) (i32.mul (local.get $j) (local.get $row))))
        (local.set $t1 (i32.add (local.get $t0) (local.get $row)))
        (local.set $t2 (i32.add (local.get $t1) (local.get $row)))
        (local.set $t3 (i32.add (local.get $t2) (local.get $row)))
        (local.set $b (i32.const 0))
        ;; Pairs of queries.
        (block $bdone
          (loop $bloop
            (br_if $bdone (i32.gt_s (i32.add (local.get $b) (i32.const 2)) (local.get $count)))
            (local.set $qa (i32.add (local.get $q) (i32.mul (local.get $b) (local.get $row))))
            (local.set $qb (i32.add (local.get $qa) (local.get $row)))
            (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
            (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
            (local.set $b0 (v128.const i64x2 0 0)) (local.set $b1 (v128.const i64x2 0 0))
            (local.set $b2 (v128.const i64x2 0 0)) (local.set $b3 (v128.const i64x2 0 0))
            (local.set $c (i32.const 0))
            (block $cdone
              (loop $cloop
                (br_if $cdone (i32.ge_s (local.get $c) (local.get $row)))
                (local.set $x (v128.load (i32.add (local.get $qa) (local.get $c))))
                (local.set $y (v128.load (i32.add (local.get $qb) (local.get $c))))
                (local.set $u0 (v128.load (i32.add (local.get $t0) (local.get $c))))
                (local.set $u1 (v128.load (i32.add (local.get $t1) (local.get $c))))
                (local.set $u2 (v128.load (i32.add (local.get $t2) (local.get $c))))
                (local.set $u3 (v128.load (i32.add (local.get $t3) (local.get $c))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $x) (local.get $u0))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $x) (local.get $u1))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $x) (local.get $u2))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $x) (local.get $u3))))
                (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $y) (local.get $u0))))
                (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $y) (local.get $u1))))
                (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $y) (local.get $u2))))
                (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (local.get $y) (local.get $u3))))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $cloop)))
            ;; out row b at column j, and row b + 1.
            (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $nt)) (local.get $j)) (i32.const 3))))
            (f64.store offset=0 (local.get $o) (call $hsum (local.get $a0)))
            (f64.store offset=8 (local.get $o) (call $hsum (local.get $a1)))
            (f64.store offset=16 (local.get $o) (call $hsum (local.get $a2)))
            (f64.store offset=24 (local.get $o) (call $hsum (local.get $a3)))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $nt) (i32.const 3))))
            (f64.store offset=0 (local.get $o) (call $hsum (local.get $b0)))
            (f64.store offset=8 (local.get $o) (call $hsum (local.get $b1)))
            (f64.store offset=16 (local.get $o) (call $hsum (local.get $b2)))
            (f64.store offset=24 (local.get $o) (call $hsum (local.get $b3)))
            (local.set $b (i32.add (local.get $b) (i32.const 2)))
            (br $bloop)))
        ;; A last odd query against the four targets.
        (if (i32.lt_s (local.get $b) (local.get $count))
          (then
            (local.set $qa (i32.add (local.get $q) (i32.mul (local.get $b) (local.get $row))))
            (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
            (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
            (local.set $c (i32.const 0))
            (block $cdone1
              (loop $cloop1
                (br_if $cdone1 (i32.ge_s (local.get $c) (local.get $row)))
                (local.set $x (v128.load (i32.add (local.get $qa) (local.get $c))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $t0) (local.get $c))))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $t1) (local.get $c))))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $t2) (local.get $c))))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $t3) (local.get $c))))))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $cloop1)))
            (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $nt)) (local.get $j)) (i32.const 3))))
            (f64.store offset=0 (local.get $o) (call $hsum (local.get $a0)))
            (f64.store offset=8 (local.get $o) (call $hsum (local.get $a1)))
            (f64.store offset=16 (local.get $o) (call $hsum (local.get $a2)))
            (f64.store offset=24 (local.get $o) (call $hsum (local.get $a3)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $jloop)))
    ;; The last nt % 4 targets, one query at a time.
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_s (local.get $j) (local.get $nt)))
        (local.set $t0 (i32.add (local.get $t) (i32.mul (local.get $j) (local.get $row))))
        (local.set $b (i32.const 0))
        (block $rbdone
          (loop $rbloop
            (br_if $rbdone (i32.ge_s (local.get $b) (local.get $count)))
            (local.set $qa (i32.add (local.get $q) (i32.mul (local.get $b) (local.get $row))))
            (local.set $a0 (v128.const i64x2 0 0))
            (local.set $c (i32.const 0))
            (block $rcdone
              (loop $rcloop
                (br_if $rcdone (i32.ge_s (local.get $c) (local.get $row)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (i32.add (local.get $qa) (local.get $c))) (v128.load (i32.add (local.get $t0) (local.get $c))))))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $rcloop)))
            (f64.store (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $b) (local.get $nt)) (local.get $j)) (i32.const 3))) (call $hsum (local.get $a0)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $rbloop)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rloop)))))
