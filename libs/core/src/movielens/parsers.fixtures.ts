/**
 * Test helpers for the parsers (not exported from the package): feeding text in chosen chunk
 * sizes, and locating the real MovieLens files beside the repository.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors';
import { Random } from '../random';
import type { StreamParser } from './parser-options';

/** Bytes of a test string: UTF-8, or Latin-1 (one byte per char) when `latin1`. */
export function bytesOf(text: string, latin1 = false): Uint8Array {
  if (!latin1) return new TextEncoder().encode(text);
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Feeds `bytes` in pieces of `size` bytes (all at once when omitted) and ends the parser. */
export function feed<R>(parser: StreamParser<R>, bytes: Uint8Array, size = bytes.length): R {
  for (let i = 0; i < bytes.length; i += Math.max(1, size)) parser.push(bytes.subarray(i, i + Math.max(1, size)));
  return parser.end();
}

/** Feeds `bytes` in random pieces of 1 byte up to `max` bytes (seeded), then ends. */
export function feedRandomly<R>(parser: StreamParser<R>, bytes: Uint8Array, seed: number, max = 65536): R {
  const random = new Random(seed);
  for (let i = 0; i < bytes.length; ) {
    // Log-uniform sizes so that tiny and large chunks are both common.
    const size = Math.max(1, Math.floor(Math.exp(random.next() * Math.log(max))));
    parser.push(bytes.slice(i, i + size));
    i += size;
  }
  return parser.end();
}

/** The InputError thrown by `fn`, or a failure. */
export function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

/** ../shared/data/<release> beside the repository, when present (never committed: licence). */
export function sharedData(release: 'ml-100k' | 'ml-1m'): string | undefined {
  const dir = fileURLToPath(new URL(`../../../../../shared/data/${release}`, import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

/** Why a real-data test was skipped. */
export function skipMessage(release: 'ml-100k' | 'ml-1m'): string {
  return `SKIPPED: ../shared/data/${release} is not present; real-data test not run`;
}
