/**
 * The Gram operator of the Lanczos SVD (`out = g^T g x`, one pass over the CSR g per step,
 * about three quarters of the SVD's time) spread over the compute threads of one process.
 *
 * The rows of g are cut into `blocks` row ranges of equal nnz. In every pass the thread running
 * the SVD (the leader) publishes x, then it and any helper thread take blocks from a shared
 * counter; each block's contribution goes to its own slice of `partial`, and the leader sums
 * the slices in block order. The sum therefore does not depend on which thread ran which
 * block, or on whether a helper joined at all: the factors are the same bit for bit with one
 * thread or two (a rebuild stays reproducible for a seed). A helper joins when it is free
 * (e.g. after the analytics that run beside the SVD) and never blocks the leader: if no helper
 * comes, the leader runs every block itself.
 *
 * Each thread runs its blocks with core's WebAssembly kernel (`GramKernel`, 2.6x the scalar
 * pass), all on one shared kernel memory holding g, x and the partial slices; a g past the
 * kernel's 4 GiB runs the scalar `multiplyGramRows` on shared copies instead.
 *
 * Memory ordering: x and the partial slices are plain shared memory; the Atomics on the
 * control words order them (the leader writes x before resetting NEXT; a helper reads x only
 * after taking a block from NEXT; it writes its slice before adding to DONE, which the leader
 * waits for before summing and before writing the next x).
 */
import { GramKernel, multiplyGramRows, type CsrMatrix, type GramLayout } from '@movielens/core';
import { sharedCopy } from './shared-memory';

/** Control words (Int32Array indices). */
const PASS = 0; // incremented by the leader at the start of every pass (helpers wait on it)
const NEXT = 1; // next block to take in this pass
const DONE = 2; // blocks finished in this pass
const STOP = 3; // 1 when the leader is done: helpers return

/** Everything a helper thread needs, all in shared memory (posted to it without a copy). */
export interface GramShare {
  /** The kernel memory (g, x, one slice per block) when g fits it, else null and the three below. */
  kernel: GramLayout | null;
  /** g, with its arrays in SharedArrayBuffers (null with a kernel). */
  matrix: CsrMatrix | null;
  /** The pass's input vector, length g.cols. */
  x: Float64Array;
  /** One g.cols slice per block. */
  partial: Float64Array;
  /** Row bounds of the blocks, length blocks + 1. */
  bounds: Int32Array;
  control: Int32Array;
}

/** Longest a leader waits for one block a helper took, ms (a helper that died would otherwise hang the build). */
const BLOCK_TIMEOUT_MS = 60_000;

/** True when every array of the matrix lives in shared memory (else it is copied there). */
function isShared(a: CsrMatrix): boolean {
  return [a.indptr, a.indices, a.values].every((t) => t.buffer instanceof SharedArrayBuffer);
}

function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/**
 * The leader's side: `apply` is the `gram` option of core's `truncatedSvd`; `share` is what to
 * post to helper threads (`helpGram`); `finish` releases them (call it in a finally).
 */
export class ParallelGram {
  readonly share: GramShare;
  private readonly blocks: number;
  private readonly cols: number;
  private passes = 0;
  private ownBlocks = 0;

  /**
   * @param g - the matrix whose Gram operator is applied; copied into the kernel's shared
   *   memory, or, past the kernel's 4 GiB, to shared memory unless it already is there
   * @param blocks - row blocks per pass; default 16 (enough for two threads to balance when one
   *   joins mid-pass; the summation costs blocks x g.cols per pass, small beside nnz)
   */
  constructor(g: CsrMatrix, blocks = 16) {
    this.blocks = Math.max(1, blocks);
    const bounds = new Int32Array(this.blocks + 1);
    const nnz = g.indptr[g.rows];
    let row = 0;
    for (let b = 1; b < this.blocks; b++) {
      const target = (nnz * b) / this.blocks;
      while (row < g.rows && g.indptr[row] < target) row++;
      bounds[b] = row;
    }
    bounds[this.blocks] = g.rows;
    const control = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
    // No pass yet: a helper arriving now finds no block to take.
    control[NEXT] = this.blocks;
    this.cols = g.cols;
    if (GramKernel.fits(g, this.blocks)) {
      const kernel = GramKernel.forMatrix(g, this.blocks);
      this.share = { kernel: kernel.layout, matrix: null, x: kernel.x, partial: kernel.out, bounds, control };
    } else {
      const matrix = isShared(g) ? g : { ...g, indptr: sharedCopy(g.indptr), indices: sharedCopy(g.indices), values: sharedCopy(g.values) };
      this.share = { kernel: null, matrix, x: sharedFloat64(g.cols), partial: sharedFloat64(this.blocks * g.cols), bounds, control };
    }
  }

  /** `out = g^T g x` (out overwritten), with whatever helpers have joined. */
  readonly apply = (x: Float64Array, out: Float64Array): void => {
    const { control, partial } = this.share;
    const cols = this.cols;
    this.share.x.set(x);
    Atomics.store(control, DONE, 0);
    Atomics.store(control, NEXT, 0);
    Atomics.add(control, PASS, 1);
    Atomics.notify(control, PASS);
    this.passes++;
    this.ownBlocks += runBlocks(this.share);
    for (let done = Atomics.load(control, DONE); done < this.blocks; done = Atomics.load(control, DONE)) {
      if (Atomics.wait(control, DONE, done, BLOCK_TIMEOUT_MS) === 'timed-out') {
        throw new Error(`parallel Gram: a helper thread did not finish its block within ${BLOCK_TIMEOUT_MS} ms`);
      }
    }
    out.set(partial.subarray(0, cols));
    for (let b = 1; b < this.blocks; b++) {
      const o = b * cols;
      for (let j = 0; j < cols; j++) out[j] += partial[o + j];
    }
  };

  /** Blocks that helper threads ran so far (0 when none joined). */
  get helpedBlocks(): number {
    return this.passes * this.blocks - this.ownBlocks;
  }

  /** Tells helpers the SVD is over. */
  finish(): void {
    Atomics.store(this.share.control, STOP, 1);
    Atomics.add(this.share.control, PASS, 1);
    Atomics.notify(this.share.control, PASS);
  }
}

/** This thread's Gram pass over a block's rows into its slice: the kernel (attached once per thread and layout), or the scalar pass. */
type BlockRunner = (rowStart: number, rowEnd: number, block: number) => void;
const runners = new WeakMap<GramShare, BlockRunner>();

function runnerOf(share: GramShare): BlockRunner {
  let run = runners.get(share);
  if (run === undefined) {
    if (share.kernel !== null) {
      const kernel = GramKernel.attach(share.kernel);
      run = (start, end, b) => kernel.addRows(start, end, b);
    } else {
      const { matrix, x, partial } = share;
      const cols = matrix!.cols;
      run = (start, end, b) => multiplyGramRows(matrix!, x, partial.subarray(b * cols, (b + 1) * cols), start, end);
    }
    runners.set(share, run);
  }
  return run;
}

/** Takes and runs blocks of the current pass until none is left; returns how many it ran. */
function runBlocks(share: GramShare): number {
  const { control, bounds, partial } = share;
  const blocks = bounds.length - 1;
  const cols = partial.length / blocks;
  const run = runnerOf(share);
  for (let ran = 0; ; ran++) {
    const b = Atomics.add(control, NEXT, 1);
    if (b >= blocks) return ran;
    partial.fill(0, b * cols, (b + 1) * cols);
    run(bounds[b], bounds[b + 1], b);
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

/**
 * A helper thread's side: runs blocks of every pass until the leader finishes. Blocks this
 * thread (Atomics.wait) meanwhile, which is what a compute thread is for.
 */
export function helpGram(share: GramShare): void {
  const { control } = share;
  while (Atomics.load(control, STOP) === 0) {
    const seen = Atomics.load(control, PASS);
    runBlocks(share);
    // Wakes at the next pass (or at STOP, which also bumps PASS); the timeout only re-checks STOP.
    Atomics.wait(control, PASS, seen, 1000);
  }
}
