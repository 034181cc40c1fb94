// WebAssembly text → binary with the SIMD proposal on (wabt). Used by build-kernels.js and by the test that checks
// the generated kernel files are current.
import wabtInit from 'wabt';

const wabt = await wabtInit();

export function compileWat(name, text) {
  const module = wabt.parseWat(name, text, { simd: true });
  module.resolveNames();
  module.validate();
  return Buffer.from(module.toBinary({}).buffer);
}
