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
 * Parses stored JSON with `schema`.
 * @param what - names the record in the error (e.g. `dataset version d1 meta`)
 * @param key - the Redis key it was read from (`key#field` for a hash field), also named in the error
 * @throws CorruptRecordError when `raw` is not JSON or not of the schema's shape
 */
export function decodeJson<S extends z.ZodType>(schema: S, raw: string, what: string, key?: string): z.infer<S> {
  const where = key === undefined ? what : `${what} (${key})`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new CorruptRecordError(`${where}: not JSON`, { cause: err, key });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
    throw new CorruptRecordError(`${where}: ${issues}`, { cause: parsed.error, key });
  }
  return parsed.data;
}
