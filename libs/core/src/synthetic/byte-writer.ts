/**
 * Writes ASCII numbers and text into fixed-size chunks, handing each full chunk on. Ratings
 * lines are written digit by digit: formatting 25M lines as strings would dominate the run.
 */

/** Receives a full chunk; it is a fresh array the writer never touches again. */
export type ChunkSink = (chunk: Uint8Array) => void;

/** Chunk size, bytes (1 MiB: few handoffs, bounded memory). */
export const CHUNK_BYTES = 1 << 20;

export class ByteWriter {
  private buf = new Uint8Array(CHUNK_BYTES);
  private pos = 0;

  constructor(private readonly sink: ChunkSink) {}

  /** Makes room for `n` more bytes, handing on the current chunk when needed. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  /** Writes a non-negative integer in decimal. */
  uint(v: number): void {
    this.reserve(16);
    if (v === 0) {
      this.buf[this.pos++] = 48;
      return;
    }
    let digits = 0;
    for (let x = v; x >= 1; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    for (let x = v; x >= 1; x = Math.floor(x / 10)) this.buf[--p] = 48 + (x % 10);
  }

  /** Writes one byte. */
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** Writes already-encoded bytes. */
  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Hands on what was written so far (if anything). */
  flush(): void {
    if (this.pos === 0) return;
    this.sink(this.buf.slice(0, this.pos));
    this.pos = 0;
  }
}
