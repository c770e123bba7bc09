#!/usr/bin/env node
// Compiles the WebAssembly text sources of libs/core (`*.wat`) into `<name>.wasm.ts` modules
// that export the binary as base64, so the library needs no build step or file read at run
// time. Run after editing a .wat: `node tools/build-wasm.mjs` (`--check` exits 1 when a
// committed module is out of date, as the core test does).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const SOURCES = ['libs/core/src/linalg/dots.wat', 'libs/core/src/ease/gemm.wat', 'libs/core/src/ials/ials-rows.wat', 'libs/core/src/sparse/gram-rows.wat'];
const root = fileURLToPath(new URL('../', import.meta.url));

/** The .wasm.ts module text for a .wat source. */
export async function compileWat(path) {
  const wabt = await wabtInit();
  // SIMD (dots.wat, gemm.wat, ials-rows.wat, gram-rows.wat), relaxed SIMD's fused multiply-add and shared memory (gemm.wat, gram-rows.wat).
  const features = { simd: true, relaxed_simd: true, threads: true };
  const module = wabt.parseWat(path, readFileSync(path, 'utf8'), features);
  module.validate(features);
  const { buffer } = module.toBinary({});
  module.destroy();
  const name = path.split('/').pop();
  return `// Generated from ${name} by tools/build-wasm.mjs: do not edit; edit the .wat and rerun.\nexport const WASM_BASE64 =\n  '${Buffer.from(buffer).toString('base64')}';\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const source of SOURCES) {
    const path = root + source;
    const target = path.replace(/\.wat$/, '.wasm.ts');
    const text = await compileWat(path);
    if (check) {
      let current = '';
      try {
        current = readFileSync(target, 'utf8');
      } catch {}
      if (current !== text) {
        console.error(`${target} is out of date: run node tools/build-wasm.mjs`);
        stale++;
      }
    } else {
      writeFileSync(target, text);
      console.log(`wrote ${target}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
