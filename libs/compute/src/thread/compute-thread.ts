import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { InputError, MovieLensError, startThread } from '@movielens/core';
import type { ComputeTask, TaskProgress, TaskResult } from './tasks';

/** An error raised inside the thread, as posted back. */
interface ThreadError {
  name: string;
  code?: string;
  message: string;
  stack?: string;
}

type Reply = { id: number; result: unknown } | { id: number; error: ThreadError } | { id: number; progress: TaskProgress };

type Waiter = { resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: (p: TaskProgress) => void };

/**
 * A small pool of persistent worker threads (default 1) that runs the CPU-heavy steps of a
 * rebuild (matrix, SVD, similarity and recommendation blocks, analytics). Running them off
 * the main thread keeps its event loop free, so BullMQ can renew job locks during a long SVD
 * instead of seeing the job as stalled. A task goes to the thread with the fewest pending
 * tasks; each thread runs its tasks in submission order. Typed arrays travel as copies or as
 * shared memory, never as transferred buffers: a transfer detaches the buffer on the sending
 * side, and once any buffer was detached V8 drops a fast path for typed-array access in that
 * thread (its detach protector), which made the SVD ~45% slower.
 *
 * Our own thread rather than BullMQ's sandboxed processors: the processor needs Redis
 * clients, a FlowProducer and the step-job API, which stay simplest in the main thread; only
 * the arithmetic moves.
 */
export class ComputeThread {
  private readonly slots: { worker: Worker | null; pending: Map<number, Waiter> }[];
  private nextId = 1;
  private wired = false;

  /** @param size - threads in the pool; default 1 */
  constructor(size = 1) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => ({ worker: null, pending: new Map<number, Waiter>() }));
  }

  /**
   * Runs `task` in the least busy thread (its typed arrays copied there, or shared);
   * `onProgress` hears the progress the task reports (LSTM epochs) before its result.
   */
  run<T extends ComputeTask>(task: T, onProgress?: (p: TaskProgress) => void): Promise<TaskResult<T>> {
    this.start();
    const slot = this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const worker = this.ensureWorker(slot);
    const id = this.nextId++;
    return new Promise<TaskResult<T>>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      worker.postMessage({ id, task });
    });
  }

  /**
   * Starts the threads now rather than at the first task, so their start-up (a few ms from
   * the compiled bundle, about a second under tsx) does not count against the first rebuild.
   */
  start(): void {
    const workers = this.slots.map((slot) => this.ensureWorker(slot));
    if (this.wired) return;
    // One channel per pair of threads: an SVD in one thread posts its Gram passes to the
    // others (parallel-gram.ts). A thread restarted after a crash is not re-wired: the SVDs
    // then run without that helper, with the same result.
    this.wired = true;
    const peers: MessagePort[][] = workers.map(() => []);
    for (let i = 0; i < workers.length; i++) {
      for (let j = i + 1; j < workers.length; j++) {
        const { port1, port2 } = new MessageChannel();
        peers[i].push(port1);
        peers[j].push(port2);
      }
    }
    workers.forEach((w, i) => w.postMessage({ peers: peers[i] }, peers[i]));
  }

  /** Stops the threads; pending tasks fail. */
  async close(): Promise<void> {
    const workers = this.slots.map((s) => s.worker);
    for (const s of this.slots) s.worker = null;
    await Promise.all(workers.map((w) => w?.terminate()));
  }

  private ensureWorker(slot: { worker: Worker | null; pending: Map<number, Waiter> }): Worker {
    if (slot.worker) return slot.worker;
    const worker = startThread('compute.worker', import.meta.url);
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = slot.pending.get(reply.id);
      if (!waiter) return;
      if ('progress' in reply) {
        waiter.onProgress?.(reply.progress);
        return;
      }
      slot.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(reviveError(reply.error));
      else waiter.resolve(reply.result);
    });
    const failAll = (err: Error) => {
      for (const waiter of slot.pending.values()) waiter.reject(err);
      slot.pending.clear();
      slot.worker = null;
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`compute thread exited with code ${code}`)));
    slot.worker = worker;
    return worker;
  }
}

/** Rebuilds a typed error from the thread, so input errors stay non-retryable. */
function reviveError(e: ThreadError): Error {
  const err = e.code === 'BAD_INPUT' ? new InputError(e.message) : e.code ? new MovieLensError(e.code, e.message) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}
