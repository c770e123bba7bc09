/**
 * Decoding of JSON read back from Redis: every stored record is parsed with a zod schema
 * (never cast), so a corrupt value, or one written by another version of this code, fails
 * with a {@link CorruptRecordError} naming the key instead of crashing later or serving a
 * wrong value.
 */
import { MovieLensError } from '@movielens/core';
import type { z } from 'zod';

/** A record read back from Redis does not have the shape this code writes (corrupt, or written by another version). */
export class CorruptRecordError extends MovieLensError {
  /** The Redis key of the record (`key#field` for a hash field), when known. */
  readonly key: string | undefined;

  /**
   * @param message - what was read and what is wrong with it
   * @param options - `cause`: the parse error; `key`: the Redis key, when known
   */
  constructor(message: string, options?: { cause?: unknown; key?: string }) {
    super('CORRUPT_RECORD', message, options);
    this.key = options?.key;
  }
}

/**
 * Validates a value already parsed from what was stored (e.g. a field of a validated record
 * that the record's schema leaves open, such as a kind meta's `info`) with `schema`.
 * @param what - names the value in the error (e.g. `svd kind version svd-1-a info`)
 * @param key - the Redis key it was read from, when known, also named in the error
 * @throws CorruptRecordError naming each bad path when `value` is not of the schema's shape
 */
export function decodeStored<S extends z.ZodType>(schema: S, value: unknown, what: string, key?: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
  throw new CorruptRecordError(`${key === undefined ? what : `${what} (${key})`}: ${issues}`, { cause: parsed.error, key });
}

/**
 * Parses stored JSON with `schema`.
 * @param what - names the record in the error (e.g. `dataset version d1 meta`)
 * @param key - the Redis key it was read from (`key#field` for a hash field), also named in the error
 * @throws CorruptRecordError when `raw` is not JSON or not of the schema's shape
 */
export function decodeJson<S extends z.ZodType>(schema: S, raw: string, what: string, key?: string): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new CorruptRecordError(`${key === undefined ? what : `${what} (${key})`}: not JSON`, { cause: err, key });
  }
  return decodeStored(schema, value, what, key);
}
