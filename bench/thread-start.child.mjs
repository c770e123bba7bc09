// Child of bench/startup.bench.ts: times `runs` thread starts, from `new Worker` to the first
// answer, in a process of its own, and prints them as JSON (ms). It is plain JavaScript so
// that the compiled case runs with no loader hooks in the process (under `--import tsx`, the
// hooks also start in every thread, which is not how production runs).
//   node bench/thread-start.child.mjs empty|compiled <runs>
//   node --import tsx bench/thread-start.child.mjs tsx <runs>
import { Worker } from 'node:worker_threads';

const [mode, runs = '9'] = process.argv.slice(2);
const compiled = new URL('../apps/compute-worker/dist/compute.worker.js', import.meta.url);
const { startThread } = mode === 'tsx' ? await import('../libs/core/src/threads/start-thread.ts') : {};

const start = {
  // A thread whose whole program is one message handler: Node's own start-up of a thread.
  empty: () => new Worker(new URL('data:text/javascript,import { parentPort } from "node:worker_threads"; parentPort.on("message", () => parentPort.postMessage(0));')),
  compiled: () => new Worker(compiled),
  // The TypeScript entry through the tsx bootstrap, as development and tests start it.
  tsx: () => startThread('compute.worker', new URL('../libs/compute/src/thread/compute-thread.ts', import.meta.url).href),
}[mode];

/** A task kind no thread knows: any thread answers it (result or error) once its module has loaded. */
async function once() {
  const started = performance.now();
  const worker = start();
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage({ id: 1, task: { kind: 'bench-probe' } });
  });
  const ms = performance.now() - started;
  await worker.terminate();
  return ms;
}

await once(); // warm-up: file cache, compile cache
const times = [];
for (let i = 0; i < Number(runs); i++) times.push(await once());
console.log(JSON.stringify(times));
