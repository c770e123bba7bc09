// Entry of the compute thread (see compute-thread.ts): runs one task per message.
import { parentPort, type MessagePort } from 'node:worker_threads';
import { helpGemm, MovieLensError, type GemmShare } from '@movielens/core';
import { helpGram, type GramShare } from './parallel-gram';
import { runTask, type ComputeTask } from './tasks';

if (parentPort === null) throw new Error('compute.worker.ts must run in a worker thread');
const port = parentPort;
/** Ports to the other compute threads of this process: an SVD here asks them to help with its Gram passes. */
let peers: MessagePort[] = [];

port.on('message', async (message: { id: number; task: ComputeTask } | { peers: MessagePort[] }) => {
  if ('peers' in message) {
    peers = message.peers;
    // A peer's SVD or EASE solve asks for help: join its passes or products now (this thread is
    // free, or it would not read the message).
    for (const peer of peers) peer.on('message', (share: GramShare | GemmShare) => ('claims' in share ? helpGemm(share) : helpGram(share)));
    return;
  }
  const { id, task } = message;
  try {
    // Copied back, never transferred: detaching an ArrayBuffer (transfer, or wasm memory.grow)
    // turns off a V8 fast path for the whole thread, and every typed-array loop in it runs
    // ~45% slower from then on (measured on the SVD). Copying a result costs a few ms.
    port.postMessage({ id, result: await runTask(task, peers, (progress) => port.postMessage({ id, progress })) });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ id, error: { name: e.name, message: e.message, stack: e.stack, code: err instanceof MovieLensError ? err.code : undefined } });
  }
});
