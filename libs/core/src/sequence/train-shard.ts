import type { LstmTrainer } from './trainer';

/** What one thread did in one epoch. */
export interface ShardResult {
  /** Summed sampled-softmax loss (nats). */
  loss: number;
  /** Predicted steps. */
  steps: number;
}

/**
 * One thread's share of an epoch: takes the next user from `order` through an atomic
 * counter (so two threads balance dynamically, whatever the users' lengths), trains on the
 * last `maxSequence` ratings of that user (0 = all), and flushes the last mini-batch.
 * `levels` are the rating levels fed with the movies (null: none, a movies-only model).
 * `counter` may live in a SharedArrayBuffer; Atomics also works on a plain Int32Array.
 */
export function trainShard(
  trainer: LstmTrainer, items: Int32Array, offsets: Int32Array,
  order: Int32Array, counter: Int32Array, maxSequence: number, levels: Uint8Array | null = null,
): ShardResult {
  let loss = 0;
  let steps = 0;
  for (;;) {
    const next = Atomics.add(counter, 0, 1);
    if (next >= order.length) break;
    const u = order[next];
    const end = offsets[u + 1];
    const start = maxSequence > 0 ? Math.max(offsets[u], end - maxSequence) : offsets[u];
    if (end - start < 2) continue;
    const r = trainer.trainSequence(items, start, end, levels);
    loss += r.loss;
    steps += r.steps;
  }
  trainer.update();
  return { loss, steps };
}
