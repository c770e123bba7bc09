/**
 * Byte-level line splitting for streamed input. Chunks arrive at arbitrary boundaries; lines
 * are handed to a callback as (buffer, start, end) byte ranges without building strings, so
 * ratings can be parsed straight from the bytes. A line cut by a chunk boundary is copied into
 * a carry buffer that never grows beyond `maxLineBytes`: longer lines are reported and skipped,
 * so a 10 MB single line costs 64 KiB of memory. A file whose lines end in CR alone (old Mac
 * files) has no LF at all, so it would be one giant line: that is detected and named instead.
 */
import type { IssueCollector } from './issues';

/** Longest accepted line, bytes (64 KiB; real MovieLens lines are under 400 bytes). */
export const MAX_LINE_BYTES = 65536;

/** Message for any file with NUL bytes (zip, gzip, images, UTF-16 without BOM...). */
export const BINARY_REASON = 'binary data, not a MovieLens text file';

/** Receives one line without its terminator (CR LF or LF). `line` is 1-based. */
export type LineHandler = (buf: Uint8Array, start: number, end: number, line: number) => void;

/** Message for files starting with a UTF-16 byte-order mark. */
export const UTF16_REASON = 'UTF-16 text; MovieLens files are ASCII, UTF-8 or Latin-1';

/** Magic numbers of compressed files someone may upload under a MovieLens name. */
const COMPRESSED: readonly (readonly [string, readonly number[]])[] = [
  ['gzip-compressed data', [0x1f, 0x8b]],
  ['a zip archive', [0x50, 0x4b, 0x03, 0x04]],
  ['bzip2-compressed data', [0x42, 0x5a, 0x68]],
  ['xz-compressed data', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd-compressed data', [0x28, 0xb5, 0x2f, 0xfd]],
];

/** `gzip-compressed data, not a MovieLens text file (decompress it first)` when `head` starts like one, else null. */
export function compressedReason(head: Uint8Array): string | null {
  for (const [what, magic] of COMPRESSED) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return `${what}, not a MovieLens text file (decompress it first)`;
  }
  return null;
}

/** Message for a file whose lines end in CR alone: it has CRs but no LF. */
export const CR_ONLY_REASON = 'CR-only line endings (old Mac format); convert to LF or CR LF';

const EMPTY = new Uint8Array(0);
const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Options of LineSplitter. */
export interface LineSplitterOptions {
  /**
   * RFC 4180: a line feed inside a double-quoted field does not end the record (movies.csv).
   * Default false.
   */
  quoted?: boolean;
  /** Longest accepted line in bytes; default MAX_LINE_BYTES. */
  maxLineBytes?: number;
  /**
   * Receives each line skipped as too long (1-based number and reason). Default: the issue
   * collector's add(). A caller that holds lines back gives its own, to keep the file order.
   */
  onBadLine?: (line: number, reason: string) => void;
}

/** Splits pushed chunks into lines; see the module comment. */
export class LineSplitter {
  /** Lines seen so far (the number of the last line handed out or skipped). */
  line = 0;
  /** Bytes seen, excluding a leading BOM. */
  bytes = 0;
  private carry: Uint8Array;
  private carryLength = 0;
  private skipping = false;
  /** Quoted mode: line feeds inside the record being skipped (they still count as lines). */
  private skippedLfs = 0;
  private started = false;
  private head: Uint8Array = EMPTY;
  private inQuotes = false;
  private readonly maxLineBytes: number;
  private readonly quoted: boolean;
  private readonly onBadLine: (line: number, reason: string) => void;
  /** Whether an LF was seen; until then, where the first CR is (byte offset, -1 = none). */
  private sawLf = false;
  private firstCr = -1;

  constructor(
    private readonly onLine: LineHandler,
    private readonly issues: IssueCollector,
    options: LineSplitterOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
    this.quoted = options.quoted ?? false;
    this.onBadLine = options.onBadLine ?? ((line, reason) => issues.add(line, reason));
    this.carry = new Uint8Array(1024);
  }

  /** Feeds the next chunk. */
  push(chunk: Uint8Array): void {
    let pos = 0;
    if (!this.started) {
      // Hold the first bytes until a BOM (3 bytes) can be recognized even in 1-byte chunks.
      const head = concat(this.head, chunk);
      if (head.length < 3) {
        this.head = head;
        return;
      }
      this.head = EMPTY;
      chunk = head;
      pos = this.start(chunk);
    }
    if (pos >= chunk.length) return;
    const offset = this.bytes;
    this.bytes += chunk.length - pos;
    const nul = chunk.indexOf(0, pos);
    if (nul >= 0) {
      const reason = offset === 0 && looksLikeUtf16(chunk, pos) ? `${UTF16_REASON} (no BOM)` : BINARY_REASON;
      // Lines before the NUL: those handed out, plus line feeds inside a quoted record still open.
      const open = this.skipping ? this.skippedLfs : countByte(this.carry, LF, 0, this.carryLength);
      this.issues.fatal(reason, this.line + 1 + open + countByte(chunk, LF, pos, nul));
    }
    if (!this.sawLf) this.watchLineEnds(chunk, pos, offset);
    while (pos < chunk.length) {
      const nl = this.quoted ? this.findQuotedNewline(chunk, pos) : chunk.indexOf(LF, pos);
      if (nl < 0) {
        this.append(chunk, pos, chunk.length);
        return;
      }
      if (this.carryLength === 0 && !this.skipping) {
        this.emit(chunk, pos, nl);
      } else {
        this.append(chunk, pos, nl);
        if (this.skipping) this.skipLine();
        else this.emit(this.carry, 0, this.carryLength);
        this.carryLength = 0;
      }
      pos = nl + 1;
    }
  }

  /**
   * Flushes a last line without a final newline.
   * @throws InputError (whole file, line 1) for CR-only line endings
   */
  end(): void {
    if (!this.started && this.head.length > 0) {
      const head = this.head;
      this.head = EMPTY;
      this.push(head.subarray(this.start(head)));
    }
    // A CR as the very last byte is a lone line's terminator, not a CR-only file.
    if (!this.sawLf && this.firstCr >= 0 && this.firstCr < this.bytes - 1) this.issues.fatal(CR_ONLY_REASON, 1);
    if (this.skipping) this.skipLine();
    else if (this.carryLength > 0) this.emit(this.carry, 0, this.carryLength);
    this.carryLength = 0;
  }

  /** Checks the first bytes: rejects UTF-16 and compressed files, skips a UTF-8 BOM. Returns where data starts. */
  private start(chunk: Uint8Array): number {
    this.started = true;
    if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) {
      this.issues.fatal(UTF16_REASON);
    }
    const compressed = compressedReason(chunk);
    if (compressed !== null) this.issues.fatal(compressed, 1);
    if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) return 3;
    return 0;
  }

  /** Until the first LF: notes whether it comes and where the first CR is. */
  private watchLineEnds(chunk: Uint8Array, pos: number, offset: number): void {
    const lf = chunk.indexOf(LF, pos);
    if (this.firstCr < 0) {
      const cr = chunk.indexOf(CR, pos);
      if (cr >= 0 && (lf < 0 || cr < lf)) this.firstCr = offset + (cr - pos);
    }
    if (lf >= 0) this.sawLf = true;
  }

  private findQuotedNewline(chunk: Uint8Array, from: number): number {
    let inQuotes = this.inQuotes;
    for (let i = from; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === QUOTE) inQuotes = !inQuotes;
      else if (c === LF && !inQuotes) {
        this.inQuotes = false;
        return i;
      }
    }
    this.inQuotes = inQuotes;
    return -1;
  }

  private emit(buf: Uint8Array, start: number, end: number): void {
    this.line++;
    if (end > start && buf[end - 1] === CR) end--;
    if (end - start > this.maxLineBytes) {
      this.onBadLine(this.line, `line longer than ${this.maxLineBytes} bytes`);
      return;
    }
    this.onLine(buf, start, end, this.line);
    // A quoted line break belongs to the record but still counts as a line of the file.
    if (this.quoted) this.line += countByte(buf, LF, start, end);
  }

  private skipLine(): void {
    this.line++;
    this.skipping = false;
    this.onBadLine(this.line, `line longer than ${this.maxLineBytes} bytes`);
    this.line += this.skippedLfs;
    this.skippedLfs = 0;
  }

  /** Appends to the carry buffer, switching to skip mode once the line is too long. */
  private append(chunk: Uint8Array, from: number, to: number): void {
    if (this.skipping) {
      if (this.quoted) this.skippedLfs += countByte(chunk, LF, from, to);
      return;
    }
    const needed = this.carryLength + (to - from);
    // +1 leaves room for a CR that is stripped later.
    if (needed > this.maxLineBytes + 1) {
      this.skipping = true;
      if (this.quoted) this.skippedLfs = countByte(this.carry, LF, 0, this.carryLength) + countByte(chunk, LF, from, to);
      this.carryLength = 0;
      return;
    }
    if (needed > this.carry.length) {
      const grown = new Uint8Array(Math.min(Math.max(needed, this.carry.length * 2), this.maxLineBytes + 1));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(from, to), this.carryLength);
    this.carryLength = needed;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function countByte(buf: Uint8Array, byte: number, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (buf[i] === byte) n++;
  return n;
}

/** UTF-16 ASCII text without BOM: every other byte of the first ones is NUL. */
function looksLikeUtf16(buf: Uint8Array, from: number): boolean {
  const n = Math.min(buf.length - from, 64) & ~1;
  if (n < 4) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[from + i] === 0) even++;
    if (buf[from + i + 1] === 0) odd++;
  }
  return even === n / 2 || odd === n / 2;
}
