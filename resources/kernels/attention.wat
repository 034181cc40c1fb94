;; Attention inner loops for the sampling decoder (src-main/model/decoder.ts), in WebAssembly SIMD (f32x4).
;; Compiled by `npm run kernels` into src-main/model/kernels/attention-wasm.ts; a test checks the two agree.
;; All addresses are byte offsets into the module's own memory; head_dim is a multiple of 4.
(module
  (memory (export "memory") 1)

  ;; out[p] = scale * dot(q[0..head_dim], keys[p * stride ..]) for p = 0..last; returns the largest score.
  (func (export "scores")
    (param $q i32) (param $keys i32) (param $last i32) (param $stride i32) (param $head_dim i32)
    (param $scale f32) (param $out i32) (result f32)
    (local $p i32) (local $j i32) (local $k i32) (local $acc v128) (local $s f32) (local $max f32)
    (local.set $max (f32.const -inf))
    (local.set $p (i32.const 0))
    (block $done
      (loop $positions
        (br_if $done (i32.gt_s (local.get $p) (local.get $last)))
        (local.set $k (i32.add (local.get $keys) (i32.mul (local.get $p) (local.get $stride))))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $row_done
          (loop $row
            (br_if $row_done (i32.ge_s (local.get $j) (local.get $head_dim)))
            (local.set $acc
              (f32x4.add (local.get $acc)
                (f32x4.mul
                  (v128.load (i32.add (local.get $q) (i32.shl (local.get $j) (i32.const 2))))
                  (v128.load (i32.add (local.get $k) (i32.shl (local.get $j) (i32.const 2)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $row)))
        (local.set $s
          (f32.mul (local.get $scale)
            (f32.add
              (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
              (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 2))) (local.get $s))
        (local.set $max (f32.max (local.get $max) (local.get $s)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $positions)))
    (local.get $max))

  ;; out[j] = sum over p = 0..last of weights[p] * values[p * stride + j], for j = 0..head_dim.
  (func (export "weighted")
    (param $weights i32) (param $values i32) (param $last i32) (param $stride i32) (param $head_dim i32)
    (param $out i32)
    (local $p i32) (local $j i32) (local $acc v128) (local $column i32)
    (local.set $j (i32.const 0))
    (block $done
      (loop $lanes
        (br_if $done (i32.ge_s (local.get $j) (local.get $head_dim)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $column (i32.add (local.get $values) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $p (i32.const 0))
        (block $sum_done
          (loop $sum
            (br_if $sum_done (i32.gt_s (local.get $p) (local.get $last)))
            (local.set $acc
              (f32x4.add (local.get $acc)
                (f32x4.mul
                  (v128.load32_splat (i32.add (local.get $weights) (i32.shl (local.get $p) (i32.const 2))))
                  (v128.load (i32.add (local.get $column) (i32.mul (local.get $p) (local.get $stride)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $sum)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $lanes))))
)
