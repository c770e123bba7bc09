import type { Request } from 'express';
import type { z } from 'zod';
import { HttpError } from './errors';

/** Where an input comes from; named in the 400 message so a client can find the bad field. */
export type InputSource = 'params' | 'query' | 'body';

/**
 * Parses one part of a request with a zod schema. On failure throws a 400 `BAD_REQUEST`
 * whose message names each bad field and why, e.g. `query.k: must be <= 100` or
 * `body.liked[0]: expected a positive integer movie id`.
 */
export function parseInput<S extends z.ZodType>(schema: S, req: Request, source: InputSource): z.infer<S> {
  const result = schema.safeParse(source === 'body' ? (req.body ?? {}) : req[source]);
  if (result.success) return result.data;
  const reasons = result.error.issues.slice(0, 5).map((issue) => {
    // Array positions read as indexes: `body.liked[0]`, not `body.liked.0`.
    const path = issue.path.reduce<string>((at, part) => (typeof part === 'number' ? `${at}[${part}]` : `${at}.${String(part)}`), source);
    return `${path}: ${issue.message}`;
  });
  throw new HttpError(400, 'BAD_REQUEST', reasons.join('; '));
}
