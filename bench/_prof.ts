import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src-main/model/backend';
import { presetConfig } from '../src-main/model/config';
import { scoreTokens, maskedMean } from '../src-main/model/scoring';
import { Transformer } from '../src-main/model/transformer';
import { Rng } from '../src-main/model/rng';
await selectBackend();
const config = presetConfig('small', 512);
const model = Transformer.create(config, 0);
const rng = new Rng(0);
const seqs = Array.from({ length: 16 }, () => Array.from({ length: 128 }, () => Math.floor(rng.next() * 512)));
const time = (label: string, f: () => void, n = 5) => { f(); const t0 = performance.now(); for (let i = 0; i < n; i++) f(); console.log(label, ((performance.now() - t0) / n).toFixed(1), 'ms'); };
time('forward', () => tf.tidy(() => { scoreTokens(model, seqs).logp.dataSync(); }));
time('fwd+bwd', () => { const { value, grads } = tf.variableGrads(() => tf.tidy(() => { const s = scoreTokens(model, seqs); return tf.neg(maskedMean(s.logp, s.mask)); }), model.variables()); value.dataSync(); value.dispose(); Object.values(grads).forEach(g => g.dispose()); });
const prof = await tf.profile(() => { const { value, grads } = tf.variableGrads(() => tf.tidy(() => { const s = scoreTokens(model, seqs); return tf.neg(maskedMean(s.logp, s.mask)); }), model.variables()); value.dataSync(); value.dispose(); Object.values(grads).forEach(g => g.dispose()); });
const byName = new Map<string, number>();
for (const k of prof.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number));
console.log([...byName].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([n, t]) => `${n}:${t.toFixed(1)}`).join('  '));
const byShape = new Map<string, [number, number]>();
for (const k of prof.kernels) if (k.name === 'BatchMatMul') { const key = JSON.stringify(k.inputShapes); const e = byShape.get(key) ?? [0, 0]; byShape.set(key, [e[0] + (k.kernelTimeMs as number), e[1] + 1]); }
console.log([...byShape].sort((a, b) => b[1][0] - a[1][0]).map(([s, [t, n]]) => `${s} x${n}: ${t.toFixed(1)}`).join('\n'));
for (const name of ['Identity', 'Transpose', 'Multiply', 'Sum', 'unnamed scope', 'Add']) {
  const m = new Map<string, [number, number]>();
  for (const k of prof.kernels) if (k.name === name) { const key = JSON.stringify(k.inputShapes); const e = m.get(key) ?? [0, 0]; m.set(key, [e[0] + (k.kernelTimeMs as number), e[1] + 1]); }
  console.log(name, [...m].sort((a, b) => b[1][0] - a[1][0]).slice(0, 5).map(([s, [t, n]]) => `${s} x${n}: ${t.toFixed(1)}`).join(' | '));
}
