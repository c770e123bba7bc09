import { Worker } from 'node:worker_threads';
import { InputError, MovieLensError } from '@movielens/core';
import type { ComputeTask, TaskResult } from './tasks';

/** An error raised inside the thread, as posted back. */
interface ThreadError {
  name: string;
  code?: string;
  message: string;
  stack?: string;
}

type Reply = { id: number; result: unknown } | { id: number; error: ThreadError };

/**
 * One persistent worker thread that runs the CPU-heavy steps of a rebuild (matrix, SVD,
 * similarity and recommendation blocks, analytics). Running them off the main thread keeps
 * its event loop free, so BullMQ can renew job locks during a long SVD instead of seeing the
 * job as stalled. Tasks run one at a time in submission order; typed arrays travel as
 * transferred buffers (no copy).
 *
 * Our own thread rather than BullMQ's sandboxed processors: the processor needs Redis
 * clients, a FlowProducer and the step-job API, which stay simplest in the main thread; only
 * the arithmetic moves.
 */
export class ComputeThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /** Runs `task` in the thread. Buffers in `transfer` are moved to the thread (unusable here afterwards). */
  run<T extends ComputeTask>(task: T, transfer: ArrayBuffer[] = []): Promise<TaskResult<T>> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<TaskResult<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, task }, transfer);
    });
  }

  /**
   * Starts the thread now rather than at the first task: loading tsx and the core module in
   * the thread takes about a second, which should not count against the first rebuild.
   */
  start(): void {
    this.ensureWorker();
  }

  /** Stops the thread; pending tasks fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // On Node 20, `--import tsx` hooks do not reach worker threads (checked: "Unknown file
    // extension .ts" even when the parent runs under tsx), so a tiny bootstrap registers tsx
    // inside the thread and then imports the TypeScript entry.
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./compute.worker.ts', import.meta.url).href;
    const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); }).catch((e) => { console.error(e); process.exit(1); });`;
    const worker = new Worker(bootstrap, { eval: true });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(reviveError(reply.error));
      else waiter.resolve(reply.result);
    });
    const failAll = (err: Error) => {
      for (const waiter of this.pending.values()) waiter.reject(err);
      this.pending.clear();
      this.worker = null;
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`compute thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

/** Rebuilds a typed error from the thread, so input errors stay non-retryable. */
function reviveError(e: ThreadError): Error {
  const err = e.code === 'BAD_INPUT' ? new InputError(e.message) : e.code ? new MovieLensError(e.code, e.message) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}
