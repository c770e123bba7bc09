;; The inner loop of iALS's per-row conjugate-gradient solve (ials-solve.ts), with 128-bit SIMD
;; (f64x2): for a row's gathered observed factors g_q (n rows of `k` doubles) and per-entry
;; coefficients a_q, b_q,
;;
;;   out += sum_q (a_q + b_q (g_q . v)) g_q
;;
;; which is the residual's data part (a = 1 + e, b = -e) and the data part of A p (a = 0, b = e).
;; `k` is even (the caller pads an odd row length with a zero column, which adds exact zeros).
;; Each dot product sums four f64x2 accumulators (columns 8t+0/1, 8t+2/3, 8t+4/5, 8t+6/7, then
;; the even tail into the first), added as (acc0 + acc1) + (acc2 + acc3), then lane 0 + lane 1:
;; a fixed order, so a row's result does not depend on which block or thread solves it.
;;
;; Regenerate ials-rows.wasm.ts after editing: `node tools/build-wasm.mjs`.
(module
  (import "env" "memory" (memory 1))

  ;; Byte offsets: g (n x k doubles), a and b (n doubles each), v and out (k doubles each).
  (func (export "accumulate") (param $g i32) (param $n i32) (param $k i32) (param $a i32) (param $b i32) (param $v i32) (param $out i32)
    (local $bytes i32) (local $main i32) (local $q i32) (local $row i32) (local $i i32) (local $o i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $cv v128)
    (local $dot f64)
    (local.set $bytes (i32.shl (local.get $k) (i32.const 3)))
    ;; Bytes covered by whole groups of 8 doubles.
    (local.set $main (i32.and (local.get $bytes) (i32.const -64)))
    (local.set $row (local.get $g))
    (local.set $q (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $q) (local.get $n)))
        (local.set $acc0 (v128.const f64x2 0 0))
        (local.set $acc1 (v128.const f64x2 0 0))
        (local.set $acc2 (v128.const f64x2 0 0))
        (local.set $acc3 (v128.const f64x2 0 0))
        (local.set $i (i32.const 0))
        (block $dmain
          (loop $lmain
            (br_if $dmain (i32.ge_s (local.get $i) (local.get $main)))
            (local.set $o (i32.add (local.get $row) (local.get $i)))
            (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (v128.load (local.get $o)) (v128.load (i32.add (local.get $v) (local.get $i))))))
            (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (v128.load offset=16 (local.get $o)) (v128.load offset=16 (i32.add (local.get $v) (local.get $i))))))
            (local.set $acc2 (f64x2.add (local.get $acc2) (f64x2.mul (v128.load offset=32 (local.get $o)) (v128.load offset=32 (i32.add (local.get $v) (local.get $i))))))
            (local.set $acc3 (f64x2.add (local.get $acc3) (f64x2.mul (v128.load offset=48 (local.get $o)) (v128.load offset=48 (i32.add (local.get $v) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 64)))
            (br $lmain)))
        (block $dtail
          (loop $ltail
            (br_if $dtail (i32.ge_s (local.get $i) (local.get $bytes)))
            (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (v128.load (i32.add (local.get $row) (local.get $i))) (v128.load (i32.add (local.get $v) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $ltail)))
        (local.set $acc0 (f64x2.add (f64x2.add (local.get $acc0) (local.get $acc1)) (f64x2.add (local.get $acc2) (local.get $acc3))))
        (local.set $dot (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
        (local.set $o (i32.shl (local.get $q) (i32.const 3)))
        (local.set $cv (f64x2.splat
          (f64.add (f64.load (i32.add (local.get $a) (local.get $o)))
                   (f64.mul (f64.load (i32.add (local.get $b) (local.get $o))) (local.get $dot)))))
        ;; out += coefficient x g_q
        (local.set $i (i32.const 0))
        (block $done2
          (loop $axpy
            (br_if $done2 (i32.ge_s (local.get $i) (local.get $bytes)))
            (local.set $o (i32.add (local.get $out) (local.get $i)))
            (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (f64x2.mul (local.get $cv) (v128.load (i32.add (local.get $row) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $axpy)))
        (local.set $row (i32.add (local.get $row) (local.get $bytes)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $next))))
)
