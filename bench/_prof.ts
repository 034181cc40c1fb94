import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src-main/model/backend';
import { presetConfig } from '../src-main/model/config';
import { scoreTokens, maskedMean } from '../src-main/model/scoring';
import { Transformer } from '../src-main/model/transformer';
import { AdamW, trainStep } from '../src-main/model/optimizer';
import { Rng } from '../src-main/model/rng';
await selectBackend();
const model = Transformer.create(presetConfig('small', 512), 0);
const opt = new AdamW(model.variables(), { learningRate: 1e-6 });
const rng = new Rng(0);
const seqs = Array.from({ length: 16 }, () => Array.from({ length: 128 }, () => Math.floor(rng.next() * 512)));
const loss = () => tf.tidy(() => { const s = scoreTokens(model, seqs); return tf.neg(maskedMean(s.logp, s.mask)); });
const step = () => trainStep(model.variables(), opt, loss);
step(); step();
let t0 = performance.now(); for (let i = 0; i < 5; i++) step(); console.log('step', (performance.now() - t0) / 5);
t0 = performance.now(); for (let i = 0; i < 5; i++) tf.tidy(() => { loss().dataSync(); }); console.log('fwd', (performance.now() - t0) / 5);
const prof = await tf.profile(() => { step(); });
const byName = new Map<string, [number, number]>();
for (const k of prof.kernels) { const e = byName.get(k.name) ?? [0, 0]; byName.set(k.name, [e[0] + (k.kernelTimeMs as number), e[1] + 1]); }
console.log([...byName].sort((a, b) => b[1][0] - a[1][0]).slice(0, 20).map(([n, [t, c]]) => `${n}:${t.toFixed(1)}/${c}`).join('  '));
for (const name of ['Transpose', 'Multiply', 'Sum', 'Identity', 'GatherV2', 'Exp', 'Add', 'Sub', 'Cast', 'SplitV', 'Slice']) {
  const m = new Map<string, [number, number]>();
  for (const k of prof.kernels) if (k.name === name) { const key = JSON.stringify(k.inputShapes); const e = m.get(key) ?? [0, 0]; m.set(key, [e[0] + (k.kernelTimeMs as number), e[1] + 1]); }
  console.log(name, [...m].sort((a, b) => b[1][0] - a[1][0]).slice(0, 4).map(([s, [t, n]]) => `${s} x${n}: ${t.toFixed(1)}`).join(' | '));
}
