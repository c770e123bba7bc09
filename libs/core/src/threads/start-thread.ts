import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on the module `name` that sits beside the calling module, whose
 * `import.meta.url` is `from`. One bootstrap for every thread of the system (compute
 * threads, LSTM training threads):
 *
 * - Compiled (`from` ends in `.js`): the thread runs `<name>.js` from the same folder. The
 *   bundler (tools/build/apps.mjs) writes every thread entry beside each app's `main.js`,
 *   so this holds from any bundle, and the thread loads plain JavaScript (a few ms).
 * - From the TypeScript sources (tsx, in development and tests): a thread does not inherit
 *   the parent's `--import tsx` hooks on Node 20 ("Unknown file extension .ts"), so a tiny
 *   ES module bootstrap registers tsx inside the thread, then imports `<name>.ts` (about a
 *   second per thread, spent compiling).
 *
 * @param name - the entry's file name without extension, e.g. `compute.worker`
 * @param from - the caller's `import.meta.url`
 * @param options - passed to `new Worker` (workerData, resourceLimits, ...)
 */
export function startThread(name: string, from: string, options: WorkerOptions = {}): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), options);
  const entry = new URL(`./${name}.ts`, from).href;
  // Resolved from this file, not from the process's working directory.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); }).catch((e) => { console.error(e); process.exit(1); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
