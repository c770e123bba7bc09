/**
 * Batches of independent `out -= Q T^T` products (gemm-kernel.ts) run by the calling thread and
 * any helper threads on one shared workspace. The dense solve (spd-inverse.ts) cuts each of its
 * steps into such a batch: every product of a batch writes its own block and reads only blocks
 * finished by earlier batches, so which thread runs which product changes nothing in the result
 * (bit for bit), and the caller runs every product itself when no helper has joined.
 *
 * As in the SVD's parallel Gram (libs/compute/src/thread/parallel-gram.ts), helpers never
 * block the caller: a helper that starts late joins the batches still to come. Each product has
 * a claim word, taken with compareExchange (0 -> 1); a batch's products become claimable only
 * once written (all claims are 1 in between), so a helper still scanning an old batch can only
 * take products of the new one whole, each exactly once. Memory ordering: the products' operands
 * are plain shared memory; the Atomics order them (the caller writes a product before opening
 * its claim; a helper writes its block before adding to DONE, which the caller waits for).
 */
import { GemmKernel, type WasmMemory } from './gemm-kernel';

/** Control words (Int32Array indices). */
const BATCH = 0; // incremented by the caller when it opens a batch (helpers wait on it)
const DONE = 1; // products finished in this batch
const COUNT = 2; // products in this batch
const STOP = 3; // 1 when the solve is over: helpers return
/** Int32 fields of one product: q, qStride, t, tStride, out, outStride, nq, nt, len (doubles). */
const FIELDS = 9;
/** Longest the caller waits for one product a helper took, ms (a helper that died would otherwise hang the solve). */
const PRODUCT_TIMEOUT_MS = 60_000;

/** What a helper thread needs, all shared (posted without a copy). */
export interface GemmShare {
  memory: WasmMemory;
  control: Int32Array;
  /** One word per product slot: 0 = open, 1 = taken (or not part of the open batch). */
  claims: Int32Array;
  products: Int32Array;
}

/** The caller's side: `add` products, then `run` them; `finish` releases the helpers. */
export class GemmBatch {
  readonly share: GemmShare;
  private count = 0;
  private own = 0;
  private total = 0;

  /**
   * @param kernel - the caller's kernel (its memory is shared with the helpers)
   * @param capacity - most products one batch holds
   */
  constructor(
    private readonly kernel: GemmKernel,
    private readonly capacity: number,
  ) {
    const control = new Int32Array(new SharedArrayBuffer(4 * 4));
    const claims = new Int32Array(new SharedArrayBuffer(capacity * 4)).fill(1);
    this.share = { memory: kernel.memory, control, claims, products: new Int32Array(new SharedArrayBuffer(capacity * FIELDS * 4)) };
  }

  /** Queues `out -= Q T^T` (arguments as `GemmKernel.subtractProducts`); empty products are dropped. */
  add(q: number, qStride: number, t: number, tStride: number, out: number, outStride: number, nq: number, nt: number, len: number): void {
    if (nq <= 0 || nt <= 0 || len <= 0) return;
    if ((len & 1) !== 0) throw new RangeError(`dot length ${len} is odd: pad rows to an even length`);
    if (this.count >= this.capacity) throw new RangeError(`a batch holds at most ${this.capacity} products`);
    this.share.products.set([q, qStride, t, tStride, out, outStride, nq, nt, len], this.count * FIELDS);
    this.count++;
  }

  /** Runs the queued products (with whatever helpers have joined) and returns when all are done. */
  run(): void {
    const { control, claims } = this.share;
    const count = this.count;
    this.count = 0;
    if (count === 0) return;
    Atomics.store(control, DONE, 0);
    Atomics.store(control, COUNT, count);
    for (let i = 0; i < count; i++) Atomics.store(claims, i, 0);
    Atomics.add(control, BATCH, 1);
    Atomics.notify(control, BATCH);
    this.total += count;
    this.own += runProducts(this.kernel, this.share);
    for (let done = Atomics.load(control, DONE); done < count; done = Atomics.load(control, DONE)) {
      if (Atomics.wait(control, DONE, done, PRODUCT_TIMEOUT_MS) === 'timed-out') throw new Error(`EASE solve: a helper thread did not finish its product within ${PRODUCT_TIMEOUT_MS} ms`);
    }
  }

  /** Products that helper threads ran so far (0 when none joined). */
  get helped(): number {
    return this.total - this.own;
  }

  /** Tells the helpers the solve is over. */
  finish(): void {
    Atomics.store(this.share.control, STOP, 1);
    Atomics.add(this.share.control, BATCH, 1);
    Atomics.notify(this.share.control, BATCH);
  }
}

/** Takes and runs the open products of the batch; returns how many it ran. */
function runProducts(kernel: GemmKernel, share: GemmShare): number {
  const { control, claims, products: p } = share;
  // A count read before the batch changed is harmless: slots past the open batch are all taken.
  const count = Atomics.load(control, COUNT);
  let ran = 0;
  for (let i = 0; i < count; i++) {
    if (Atomics.compareExchange(claims, i, 0, 1) !== 0) continue;
    const o = i * FIELDS;
    kernel.subtractProducts(p[o], p[o + 1], p[o + 2], p[o + 3], p[o + 4], p[o + 5], p[o + 6], p[o + 7], p[o + 8]);
    ran++;
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
  return ran;
}

/** A helper thread's side: runs products of every batch until the caller finishes. Blocks this thread meanwhile. */
export function helpGemm(share: GemmShare): void {
  const kernel = new GemmKernel(share.memory);
  const { control } = share;
  while (Atomics.load(control, STOP) === 0) {
    const seen = Atomics.load(control, BATCH);
    runProducts(kernel, share);
    // Wakes at the next batch (or at STOP, which also bumps BATCH); the timeout only re-checks STOP.
    Atomics.wait(control, BATCH, seen, 1000);
  }
}
