/**
 * Helper threads for the Gibbs sampler's half-sweeps (`mf-gibbs.ts`) and for the per-user
 * summaries of its implicit terms (`mf-gibbs-implicit.ts`). Both sides live in shared memory;
 * the caller opens one job per pass (which work, which side, which sweep), then it and the
 * helpers claim chunks of rows until none is left, and the caller waits until every chunk is
 * done before the sequential steps (biases, hyperparameters, implicit draws) that follow.
 * A row's summaries depend on that row only, and each row draws from its own random stream
 * (`mf-gibbs-rows.ts`), so which thread did which chunk changes nothing: the model is
 * bit-identical with 1 or N threads.
 *
 * Claims: one word holds (job << 16) | next chunk, taken with compareExchange. A helper that
 * read the job's description and then lost the race to a newer job fails its exchange, because
 * the word's job part changed; the caller closes a job's word (no chunk left) before it writes
 * the next description, so a successful exchange always pairs a chunk with its own job.
 * Memory ordering: the rows are plain shared memory; the Atomics order them (the caller writes
 * the sides before opening a job, a helper writes its rows before adding to DONE).
 */
import type { Worker } from 'node:worker_threads';
import { Random } from '../random';
import { startThread } from '../threads/start-thread';
import { summariseRows } from './mf-gibbs-implicit';
import { drawRows, type HalfSweep } from './mf-gibbs-rows';
import { Workspace, type Side } from './mf-gibbs-side';

/** Control words (Int32Array indices). */
const GEN = 0; // bumped when a job opens or the pool stops (helpers wait on it)
const CLAIM = 1; // (job << 16) | next unclaimed chunk
const DONE = 2; // chunks drawn in the open job
const CHUNKS = 3; // chunks in the open job
const SIDE = 4; // 0 users, 1 movies
const SWEEP = 5;
const SEED = 6;
const STOP = 7; // 1 when training is over: helpers return
const READY = 8; // helpers that have started
const HELPED = 9; // rows done by helpers, all jobs
const OP = 10; // DRAW or SUMMARISE
const WORDS = 11;
/** Jobs: draw the vectors of side SIDE; or compute the summaries of side SIDE's implicit term. */
const DRAW = 0;
const SUMMARISE = 1;
/** The chunk part of a closed job's claim word: above any job's chunk count. */
const CLOSED = 0xffff;
/** Rows per claim: tens to hundreds of microseconds of work at D = 10, so two threads balance and a claim is cheap. */
const CHUNK_ROWS = 64;
/** Longest the caller waits for a chunk a helper took, ms (a helper that died would otherwise hang training). */
const CHUNK_TIMEOUT_MS = 60_000;
/** Longest the caller waits for its helpers to start before drawing alone (a TypeScript thread compiles for about a second). */
const START_TIMEOUT_MS = 30_000;

/** The arrays of one side a helper reads and writes, all over SharedArrayBuffers. */
export type SharedSide = Omit<Side, 'biasPrecision'>;

/** The per-row summaries of one side's implicit term (`ImplicitFactors.gram` and `grad`), shared memory. */
export interface SharedSummaries {
  gram: Float64Array;
  grad: Float64Array;
}

/** What a helper thread needs (posted as workerData; the typed arrays share their memory). */
export interface MfGibbsShare {
  d: number;
  alpha: number;
  /** Users, then movies. */
  sides: [SharedSide, SharedSide];
  /** The summaries of the users' implicit term, then of the movies' (null: the side has none). */
  summaries: [SharedSummaries | null, SharedSummaries | null];
  control: Int32Array;
}

/** A Float64Array over a SharedArrayBuffer holding a copy of `values`. */
export function sharedFloat64(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(values.length * 8));
  out.set(values);
  return out;
}

/** An Int32Array over a SharedArrayBuffer holding a copy of `values`. */
export function sharedInt32(values: ArrayLike<number>): Int32Array {
  const out = new Int32Array(new SharedArrayBuffer(values.length * 4));
  out.set(values);
  return out;
}

/** The caller's side: starts `threads - 1` helpers, runs half-sweeps with them, then `finish`es. */
export class MfGibbsPool {
  private readonly share: MfGibbsShare;
  private readonly workers: Worker[] = [];
  private readonly random = new Random();
  private readonly work: Workspace;
  private job = 0;

  /**
   * @param sides - users and movies, every array over a SharedArrayBuffer (the helpers keep views of them)
   * @param summaries - the summaries of each side's implicit term, or null (see `MfGibbsShare.summaries`)
   * @param threads - threads doing rows, the caller included; 1 starts none
   */
  constructor(
    private readonly sides: [Side, Side],
    summaries: [SharedSummaries | null, SharedSummaries | null],
    d: number,
    alpha: number,
    threads: number,
  ) {
    this.work = new Workspace(d);
    const control = new Int32Array(new SharedArrayBuffer(WORDS * 4));
    const view = ({ biasPrecision: _ignored, ...rest }: Side): SharedSide => rest;
    this.share = { d, alpha, sides: [view(sides[0]), view(sides[1])], summaries, control };
    const helpers = Math.max(0, Math.floor(threads) - 1);
    for (let h = 0; h < helpers; h++) {
      const worker = startThread('mf-gibbs.worker', import.meta.url, { workerData: this.share });
      // A helper that fails to start only leaves its rows to the others; one that dies mid-chunk trips CHUNK_TIMEOUT_MS.
      worker.on('error', () => undefined);
      worker.unref();
      this.workers.push(worker);
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let ready = Atomics.load(control, READY); ready < helpers && Date.now() < deadline; ready = Atomics.load(control, READY)) {
      Atomics.wait(control, READY, ready, Math.max(1, deadline - Date.now()));
    }
  }

  /** Rows (drawn or summarised) that helper threads did so far (0 without helpers, or when the caller was faster). */
  get helped(): number {
    return Atomics.load(this.share.control, HELPED);
  }

  /** Draws every vector of side `names.side` (0 users, 1 movies) given the other, with the helpers. */
  halfSweep(names: HalfSweep): void {
    this.run(DRAW, names);
  }

  /** Computes the summaries of side `side`'s implicit term (`ImplicitFactors.summarise`), with the helpers. */
  summarise(side: HalfSweep['side']): void {
    this.run(SUMMARISE, { seed: 0, sweep: 0, side });
  }

  private run(op: number, names: HalfSweep): void {
    const side = this.sides[names.side];
    if (this.workers.length === 0) {
      runRows(this.share, op, names, 0, side.count, this.random, this.work);
      return;
    }
    const { control } = this.share;
    const chunks = Math.ceil(side.count / CHUNK_ROWS);
    if (chunks >= CLOSED) throw new RangeError(`MF sampler: ${side.count} rows exceed ${CLOSED * CHUNK_ROWS - 1} per side`);
    this.job = (this.job % 0x7fff) + 1;
    Atomics.store(control, DONE, 0);
    Atomics.store(control, CHUNKS, chunks);
    Atomics.store(control, OP, op);
    Atomics.store(control, SIDE, names.side);
    Atomics.store(control, SWEEP, names.sweep);
    Atomics.store(control, SEED, names.seed);
    Atomics.store(control, CLAIM, this.job << 16);
    Atomics.add(control, GEN, 1);
    Atomics.notify(control, GEN);
    runChunks(this.share, this.job, op, names, this.random, this.work);
    for (let done = Atomics.load(control, DONE); done < chunks; done = Atomics.load(control, DONE)) {
      if (Atomics.wait(control, DONE, done, CHUNK_TIMEOUT_MS) === 'timed-out') throw new Error(`MF sampler: a helper thread did not finish its rows within ${CHUNK_TIMEOUT_MS} ms`);
    }
    // Closed before the next job's description is written: a helper still holding this job's
    // word can then claim nothing, whatever it reads of the next description.
    Atomics.store(control, CLAIM, (this.job << 16) | CLOSED);
  }

  /** Tells the helpers training is over (they return and their threads end). */
  finish(): void {
    const { control } = this.share;
    Atomics.store(control, STOP, 1);
    Atomics.add(control, GEN, 1);
    Atomics.notify(control, GEN);
  }
}

/** Rows `from .. to-1` of job `op` on side `names.side`. */
function runRows(share: MfGibbsShare, op: number, names: HalfSweep, from: number, to: number, random: Random, work: Workspace): void {
  const { d, alpha } = share;
  const side = share.sides[names.side] as Side;
  const other = share.sides[1 - names.side] as Side;
  if (op === DRAW) {
    drawRows(side, other, d, alpha, from, to, names, random, work);
    return;
  }
  const summaries = share.summaries[names.side];
  if (summaries === null) throw new Error('MF sampler: summaries asked of a side without an implicit term');
  summariseRows(side, other, d, summaries.gram, summaries.grad, from, to);
}

/** Claims and runs chunks of the open job `job` until none is left; returns the rows done. */
function runChunks(share: MfGibbsShare, job: number, op: number, names: HalfSweep, random: Random, work: Workspace): number {
  const { control } = share;
  const count = share.sides[names.side].count;
  const chunks = Atomics.load(control, CHUNKS);
  let rows = 0;
  for (;;) {
    const word = Atomics.load(control, CLAIM);
    const chunk = word & 0xffff;
    if (word >>> 16 !== job || chunk >= chunks) return rows;
    if (Atomics.compareExchange(control, CLAIM, word, word + 1) !== word) continue;
    const from = chunk * CHUNK_ROWS;
    const to = Math.min(count, from + CHUNK_ROWS);
    runRows(share, op, names, from, to, random, work);
    rows += to - from;
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

/** A helper thread's side: draws chunks of every job until the caller finishes. Blocks this thread meanwhile. */
export function helpMfGibbs(share: MfGibbsShare): void {
  const { control } = share;
  const random = new Random();
  const work = new Workspace(share.d);
  // Helpers never read a side's bias precision; the field only completes the Side shape.
  share.sides.forEach((side) => Object.assign(side, { biasPrecision: 0 }));
  Atomics.add(control, READY, 1);
  Atomics.notify(control, READY);
  while (Atomics.load(control, STOP) === 0) {
    const seen = Atomics.load(control, GEN);
    const word = Atomics.load(control, CLAIM);
    const job = word >>> 16;
    if (job !== 0) {
      const side = Atomics.load(control, SIDE) === 0 ? 0 : 1;
      const names: HalfSweep = { seed: Atomics.load(control, SEED), sweep: Atomics.load(control, SWEEP), side };
      const op = Atomics.load(control, OP);
      const rows = runChunks(share, job, op, names, random, work);
      if (rows > 0) Atomics.add(control, HELPED, rows);
    }
    // Wakes at the next job (or at STOP, which also bumps GEN); the timeout only re-checks STOP.
    Atomics.wait(control, GEN, seen, 1000);
  }
}
