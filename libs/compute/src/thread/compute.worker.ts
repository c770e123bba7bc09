// Entry of the compute thread (see compute-thread.ts): runs one task per message.
import { parentPort } from 'node:worker_threads';
import { MovieLensError } from '@movielens/core';
import { runTask, type ComputeTask } from './tasks';

if (parentPort === null) throw new Error('compute.worker.ts must run in a worker thread');
const port = parentPort;

port.on('message', async ({ id, task }: { id: number; task: ComputeTask }) => {
  try {
    const { result, transfer } = await runTask(task);
    port.postMessage({ id, result }, transfer);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ id, error: { name: e.name, message: e.message, stack: e.stack, code: err instanceof MovieLensError ? err.code : undefined } });
  }
});
