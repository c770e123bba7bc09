import type { Worker } from 'node:worker_threads';
import { InputError } from '../errors';
import type { RatingTable } from '../movielens/types';
import { Random } from '../random';
import { startThread } from '../threads/start-thread';
import { lstmLayout, RATING_LEVELS, type LstmLayout, type LstmShape } from './layout';
import { initLstmWeights, type LstmModel } from './model';
import { PopularitySampler } from './sampler';
import { buildUserSequences } from './sequences';
import { trainShard, type ShardResult } from './train-shard';
import type { WorkerSetup } from './train-protocol';
import { LstmTrainer, type LstmStepOptions } from './trainer';

/** Options of trainLstm; every field has a default. */
export interface LstmTrainOptions {
  /** Input movie embedding size; default from {@link lstmCapacity} (64 up to 250,000 ratings, else 32). */
  embeddingDim?: number;
  /** LSTM hidden size (= output embedding size); default from {@link lstmCapacity}. */
  hidden?: number;
  /**
   * Feed each step's rating with its movie (a rating embedding added to the movie's input
   * embedding, format lstm-v2), so a movie rated 1 star reads differently from one rated 5.
   * Default true; false trains the movies-only lstm-v1 model.
   */
  ratings?: boolean;
  /** Passes over all users; default 8. */
  epochs?: number;
  /** Truncated-BPTT window in steps; default 32. */
  window?: number;
  /** Windows per Adam update; default 4. */
  batchWindows?: number;
  /** Sampled negatives per window; default from {@link lstmCapacity} (512 or 64). */
  negatives?: number;
  /** Popularity exponent of the negative sampler; default 0.75. */
  alpha?: number;
  /** Initial Adam step size, decayed linearly to 10% over the epochs; default 0.003. */
  learningRate?: number;
  /** Gradient clipping norm (per mini-batch mean gradient); default 5. */
  clipNorm?: number;
  /** L2 penalty on touched embedding rows; default 1e-5. */
  l2?: number;
  /** Train on each user's last N ratings only (0 = all); default 0. */
  maxSequence?: number;
  /** Seed of initialisation, user order and sampling; default 42. */
  seed?: number;
  /**
   * Worker threads (Hogwild over shared weights); default 1 = in this thread, which is
   * bit-reproducible for a seed. With >1 threads results vary slightly run to run.
   */
  threads?: number;
  /** Called after each epoch with the mean training loss per step (nats). */
  onEpoch?: (epoch: number, meanLoss: number) => void;
}

/** Size of the LSTM's embeddings, hidden state and sampled softmax. */
export interface LstmCapacity {
  embeddingDim: number;
  hidden: number;
  negatives: number;
}

/**
 * Training sets up to this many ratings get the wide LSTM by default. 64 wide with 512
 * negatives costs about 5.6x the CPU of 32 wide with 64 (about 2.2 CPU s per 1,000 ratings
 * for 8 epochs), so this bound keeps a default training under about 5 minutes on two cores.
 */
export const LSTM_WIDE_MAX_RATINGS = 250_000;

/**
 * The default size for a training set of `ratings` ratings. Up to
 * {@link LSTM_WIDE_MAX_RATINGS}: 64 wide with 512 sampled negatives (HR@10 0.180-0.196 over four
 * runs on ML-100K, mean 0.191, docs/EVALUATION.md); above it: 32 wide with 64 negatives (about 47 CPU s an epoch on ML-1M,
 * where the wide model would need about 260).
 */
export function lstmCapacity(ratings: number): LstmCapacity {
  return ratings <= LSTM_WIDE_MAX_RATINGS ? { embeddingDim: 64, hidden: 64, negatives: 512 } : { embeddingDim: 32, hidden: 32, negatives: 64 };
}

/**
 * Trains the next-movie LSTM on every user's time-ordered ratings (all of them are
 * training data: split beforehand for evaluation). Resolves to a model whose weights are
 * a plain (unshared) Float32Array, ready for serializeLstm. Rejects (InputError) sizes
 * that are not whole numbers >= 1 and non-positive step sizes.
 *
 * Threads: with `threads > 1` it starts node:worker_threads running train.worker (the
 * compiled .js, or the .ts source through tsx: see startThread). The weights and Adam
 * moments live in SharedArrayBuffers; no I/O happens.
 */
export async function trainLstm(table: RatingTable, options: LstmTrainOptions = {}): Promise<LstmModel> {
  const seqs = buildUserSequences(table);
  const capacity = lstmCapacity(seqs.items.length);
  const shape: LstmShape = {
    numMovies: seqs.movieIds.length,
    embeddingDim: options.embeddingDim ?? capacity.embeddingDim,
    hidden: options.hidden ?? capacity.hidden,
  };
  if (options.ratings ?? true) shape.ratingLevels = RATING_LEVELS;
  const step: LstmStepOptions = {
    window: options.window ?? 32,
    batchWindows: options.batchWindows ?? 4,
    negatives: options.negatives ?? capacity.negatives,
    learningRate: options.learningRate ?? 0.003,
    clipNorm: options.clipNorm ?? 5,
    l2: options.l2 ?? 1e-5,
  };
  for (const [name, value] of Object.entries({ ...shape, ...step, epochs: options.epochs ?? 8 })) {
    if (name !== 'learningRate' && name !== 'clipNorm' && name !== 'l2' && !(Number.isInteger(value) && value >= 1)) {
      throw new InputError(`LSTM option ${name} must be a whole number >= 1, got ${value}`);
    }
  }
  if (!(step.learningRate > 0) || !(step.clipNorm > 0) || !(step.l2 >= 0)) {
    throw new InputError('LSTM options learningRate and clipNorm must be > 0 and l2 >= 0');
  }
  const epochs = options.epochs ?? 8;
  const alpha = options.alpha ?? 0.75;
  const seed = options.seed ?? 42;
  const threads = Math.max(1, options.threads ?? 1);
  const maxSequence = options.maxSequence ?? 0;
  const random = new Random(seed);
  const size = lstmLayout(shape).size;
  const shared = (floats: number) => new Float32Array(new SharedArrayBuffer(floats * 4));
  const buffers = { params: shared(size), adamM: shared(size), adamV: shared(size) };
  initLstmWeights(shape, random, buffers.params);
  const counts = new Int32Array(new SharedArrayBuffer(shape.numMovies * 4));
  for (let p = 0; p < seqs.items.length; p++) counts[seqs.items[p]]++;
  const numUsers = seqs.userIds.length;
  const order = new Int32Array(new SharedArrayBuffer(numUsers * 4));
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const items = toShared(seqs.items);
  const offsets = toShared(seqs.offsets);
  const levels = shape.ratingLevels === undefined ? null : new Uint8Array(new SharedArrayBuffer(seqs.levels.length));
  levels?.set(seqs.levels);

  let runEpoch: (learningRate: number) => Promise<ShardResult[]>;
  let close = async (): Promise<void> => {};
  if (threads === 1) {
    const trainer = new LstmTrainer(shape, buffers, new PopularitySampler(counts, alpha), new Random(seed + 1), step);
    runEpoch = async (learningRate) => {
      trainer.setLearningRate(learningRate);
      return [trainShard(trainer, items, offsets, order, counter, maxSequence, levels)];
    };
  } else {
    const workers: Worker[] = [];
    for (let w = 0; w < threads; w++) {
      const setup: WorkerSetup = {
        shape, step, alpha, seed: seed + 1 + w, maxSequence,
        params: buffers.params.buffer as SharedArrayBuffer,
        adamM: buffers.adamM.buffer as SharedArrayBuffer,
        adamV: buffers.adamV.buffer as SharedArrayBuffer,
        counts: counts.buffer as SharedArrayBuffer,
        items: items.buffer as SharedArrayBuffer,
        offsets: offsets.buffer as SharedArrayBuffer,
        levels: levels === null ? null : (levels.buffer as SharedArrayBuffer),
        order: order.buffer as SharedArrayBuffer,
        counter: counter.buffer as SharedArrayBuffer,
      };
      workers.push(startWorker(setup));
    }
    runEpoch = (learningRate) => Promise.all(workers.map((worker) => oneEpoch(worker, learningRate)));
    close = async () => {
      await Promise.all(workers.map((worker) => worker.terminate()));
    };
  }
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let u = 0; u < numUsers; u++) order[u] = u;
      random.shuffle(order);
      Atomics.store(counter, 0, 0);
      const rate = step.learningRate * (1 - (0.9 * epoch) / Math.max(1, epochs - 1));
      const results = await runEpoch(rate);
      const loss = results.reduce((s, r) => s + r.loss, 0);
      const steps = results.reduce((s, r) => s + r.steps, 0);
      options.onEpoch?.(epoch, steps > 0 ? loss / steps : 0);
    }
  } finally {
    await close();
  }
  const weights = Float32Array.from(buffers.params);
  if (levels !== null) setUnknownRating(lstmLayout(shape), weights, levels);
  return { shape, movieIds: seqs.movieIds, weights };
}

/**
 * Level 0 means "rating unknown" (an anonymous session lists movies without stars). Training
 * never feeds it, so it is set to the input the model saw on average: the mean of the rating
 * embeddings weighted by how often each level occurs in training. Deterministic; no dropout.
 */
function setUnknownRating(L: LstmLayout, weights: Float32Array, levels: Uint8Array): void {
  const d = L.embeddingDim;
  if (levels.length === 0) return;
  const counts = new Float64Array(L.ratingLevels);
  for (let p = 0; p < levels.length; p++) counts[levels[p]]++;
  const mean = new Float64Array(d);
  for (let l = 1; l < L.ratingLevels; l++) {
    for (let j = 0; j < d; j++) mean[j] += (counts[l] / levels.length) * weights[L.ratingEmb + l * d + j];
  }
  for (let j = 0; j < d; j++) weights[L.ratingEmb + j] = mean[j];
}

function oneEpoch(worker: Worker, learningRate: number): Promise<ShardResult> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      worker.off('message', onMessage);
      reject(err);
    };
    const onMessage = (result: ShardResult) => {
      worker.off('error', onError);
      resolve(result);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.postMessage({ learningRate });
  });
}

function toShared(array: Int32Array): Int32Array {
  const out = new Int32Array(new SharedArrayBuffer(array.length * 4));
  out.set(array);
  return out;
}

/** Starts a training thread on train.worker (compiled or TypeScript: see startThread). */
function startWorker(setup: WorkerSetup): Worker {
  return startThread('train.worker', import.meta.url, { workerData: setup });
}
