;; The one kernel of EASE's dense solve (ease-solve.ts): out -= Q T^T on blocks of a
;; row-major matrix, with 128-bit SIMD and fused multiply-adds.
;;
;;   out[b][j] -= sum_{c < len} q[b][c] * t[j][c]    for b < nq, j < nt
;;
;; q, t and out are byte offsets of the first entry of a block; qs, ts and os are the byte
;; strides between its rows; len is the dot length in bytes, a multiple of 16 (two doubles:
;; the caller pads rows to an even length with zeros). Every operand lives in one memory, so
;; a block of the matrix is used where it lies, without a copy.
;;
;; Why this shape: the blocked Cholesky, the triangular inverse and P = W^T W are each a
;; sequence of such products (row blocks against row blocks of the same matrix), so the dot
;; form with contiguous rows serves all three. Tiles of 2 queries x 4 targets keep eight f64x2
;; accumulators (eight independent FMA chains hide the 4-cycle FMA latency at 2 FMAs per cycle)
;; plus six loaded vectors in the 16 SIMD registers of x64, without spills.
;;
;; f64x2.relaxed_madd compiles to one FMA where the CPU has it (x64 with FMA3, arm64) and to a
;; multiply and an add elsewhere: results may differ in the last bit between machines, never
;; between runs on one machine. Each lane sums every other column in column order, and the two
;; lanes are added at the end, so a product does not depend on tiling.
;;
;; Regenerate ease-gemm.wasm.ts after editing: `node tools/build-wasm.mjs`.
(module
  ;; Shared, so the helper threads of one solve (gemm-batch.ts) work on the same matrix.
  (import "env" "memory" (memory 1 65536 shared))

  ;; lane 0 + lane 1
  (func $hsum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  ;; out[o] -= hsum(v)
  (func $sub (param $o i32) (param $v v128)
    (f64.store (local.get $o) (f64.sub (f64.load (local.get $o)) (call $hsum (local.get $v)))))

  (func (export "gemmNt") (param $q i32) (param $qs i32) (param $t i32) (param $ts i32) (param $out i32) (param $os i32)
    (param $nq i32) (param $nt i32) (param $len i32)
    (local $j i32) (local $b i32) (local $c i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32)
    (local $qa i32) (local $qb i32) (local $o i32)
    (local $x v128) (local $y v128) (local $u0 v128) (local $u1 v128) (local $u2 v128) (local $u3 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $j (i32.const 0))
    ;; Groups of four targets.
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $nt)))
        (local.set $t0 (i32.add (local.get $t) (i32.mul (local.get $j) (local.get $ts))))
        (local.set $t1 (i32.add (local.get $t0) (local.get $ts)))
        (local.set $t2 (i32.add (local.get $t1) (local.get $ts)))
        (local.set $t3 (i32.add (local.get $t2) (local.get $ts)))
        (local.set $b (i32.const 0))
        ;; Pairs of queries.
        (block $bdone
          (loop $bloop
            (br_if $bdone (i32.gt_s (i32.add (local.get $b) (i32.const 2)) (local.get $nq)))
            (local.set $qa (i32.add (local.get $q) (i32.mul (local.get $b) (local.get $qs))))
            (local.set $qb (i32.add (local.get $qa) (local.get $qs)))
            (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
            (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
            (local.set $b0 (v128.const i64x2 0 0)) (local.set $b1 (v128.const i64x2 0 0))
            (local.set $b2 (v128.const i64x2 0 0)) (local.set $b3 (v128.const i64x2 0 0))
            (local.set $c (i32.const 0))
            (block $cdone
              (loop $cloop
                (br_if $cdone (i32.ge_s (local.get $c) (local.get $len)))
                (local.set $x (v128.load (i32.add (local.get $qa) (local.get $c))))
                (local.set $y (v128.load (i32.add (local.get $qb) (local.get $c))))
                (local.set $u0 (v128.load (i32.add (local.get $t0) (local.get $c))))
                (local.set $u1 (v128.load (i32.add (local.get $t1) (local.get $c))))
                (local.set $u2 (v128.load (i32.add (local.get $t2) (local.get $c))))
                (local.set $u3 (v128.load (i32.add (local.get $t3) (local.get $c))))
                (local.set $a0 (f64x2.relaxed_madd (local.get $x) (local.get $u0) (local.get $a0)))
                (local.set $a1 (f64x2.relaxed_madd (local.get $x) (local.get $u1) (local.get $a1)))
                (local.set $a2 (f64x2.relaxed_madd (local.get $x) (local.get $u2) (local.get $a2)))
                (local.set $a3 (f64x2.relaxed_madd (local.get $x) (local.get $u3) (local.get $a3)))
                (local.set $b0 (f64x2.relaxed_madd (local.get $y) (local.get $u0) (local.get $b0)))
                (local.set $b1 (f64x2.relaxed_madd (local.get $y) (local.get $u1) (local.get $b1)))
                (local.set $b2 (f64x2.relaxed_madd (local.get $y) (local.get $u2) (local.get $b2)))
                (local.set $b3 (f64x2.relaxed_madd (local.get $y) (local.get $u3) (local.get $b3)))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $cloop)))
            (local.set $o (i32.add (local.get $out) (i32.add (i32.mul (local.get $b) (local.get $os)) (i32.shl (local.get $j) (i32.const 3)))))
            (call $sub (local.get $o) (local.get $a0))
            (call $sub (i32.add (local.get $o) (i32.const 8)) (local.get $a1))
            (call $sub (i32.add (local.get $o) (i32.const 16)) (local.get $a2))
            (call $sub (i32.add (local.get $o) (i32.const 24)) (local.get $a3))
            (local.set $o (i32.add (local.get $o) (local.get $os)))
            (call $sub (local.get $o) (local.get $b0))
            (call $sub (i32.add (local.get $o) (i32.const 8)) (local.get $b1))
            (call $sub (i32.add (local.get $o) (i32.const 16)) (local.get $b2))
            (call $sub (i32.add (local.get $o) (i32.const 24)) (local.get $b3))
            (local.set $b (i32.add (local.get $b) (i32.const 2)))
            (br $bloop)))
        ;; A last odd query against the four targets.
        (if (i32.lt_s (local.get $b) (local.get $nq))
          (then
            (local.set $qa (i32.add (local.get $q) (i32.mul (local.get $b) (local.get $qs))))
            (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
            (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
            (local.set $c (i32.const 0))
            (block $cdone1
              (loop $cloop1
                (br_if $cdone1 (i32.ge_s (local.get $c) (local.get $len)))
                (local.set $x (v128.load (i32.add (local.get $qa) (local.get $c))))
                (local.set $a0 (f64x2.relaxed_madd (local.get $x) (v128.load (i32.add (local.get $t0) (local.get $c))) (local.get $a0)))
                (local.set $a1 (f64x2.relaxed_madd (local.get $x) (v128.load (i32.add (local.get $t1) (local.get $c))) (local.get $a1)))
                (local.set $a2 (f64x2.relaxed_madd (local.get $x) (v128.load (i32.add (local.get $t2) (local.get $c))) (local.get $a2)))
                (local.set $a3 (f64x2.relaxed_madd (local.get $x) (v128.load (i32.add (local.get $t3) (local.get $c))) (local.get $a3)))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $cloop1)))
            (local.set $o (i32.add (local.get $out) (i32.add (i32.mul (local.get $b) (local.get $os)) (i32.shl (local.get $j) (i32.const 3)))))
            (call $sub (local.get $o) (local.get $a0))
            (call $sub (i32.add (local.get $o) (i32.const 8)) (local.get $a1))
            (call $sub (i32.add (local.get $o) (i32.const 16)) (local.get $a2))
            (call $sub (i32.add (local.get $o) (i32.const 24)) (local.get $a3))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $jloop)))
    ;; The last nt % 4 targets, one query at a time.
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_s (local.get $j) (local.get $nt)))
        (local.set $t0 (i32.add (local.get $t) (i32.mul (local.get $j) (local.get $ts))))
        (local.set $b (i32.const 0))
        (block $rbdone
          (loop $rbloop
            (br_if $rbdone (i32.ge_s (local.get $b) (local.get $nq)))
            (local.set $qa (i32.add (local.get $q) (i32.mul (local.get $b) (local.get $qs))))
            (local.set $a0 (v128.const i64x2 0 0))
            (local.set $c (i32.const 0))
            (block $rcdone
              (loop $rcloop
                (br_if $rcdone (i32.ge_s (local.get $c) (local.get $len)))
                (local.set $a0 (f64x2.relaxed_madd (v128.load (i32.add (local.get $qa) (local.get $c))) (v128.load (i32.add (local.get $t0) (local.get $c))) (local.get $a0)))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $rcloop)))
            (call $sub (i32.add (local.get $out) (i32.add (i32.mul (local.get $b) (local.get $os)) (i32.shl (local.get $j) (i32.const 3)))) (local.get $a0))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $rbloop)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rloop)))))
