/**
 * A job's result as it comes back from Redis (BullMQ stores it as JSON: `waitUntilFinished`,
 * `job.returnvalue`), validated with the schema of what its processor returns rather than cast.
 */
import { MovieLensError } from '@movielens/core';
import type { z } from 'zod';

/** A job's stored result does not have the shape its processor returns (another version's worker, or a corrupt value). */
export class JobResultError extends MovieLensError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('JOB_RESULT', message, options);
  }
}

/**
 * Validates a job's result with `schema`.
 * @param what - names the job in the error, e.g. `ingest job 12`
 * @throws JobResultError naming the job and each bad path
 */
export function decodeJobResult<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
  throw new JobResultError(`${what}: its result is not of the expected shape (${issues})`, { cause: parsed.error });
}
