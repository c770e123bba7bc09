/**
 * A job's result as it comes back from Redis (BullMQ stores it as JSON: `waitUntilFinished`,
 * `job.returnvalue`), validated with the schema of what its processor returns rather than cast.
 */
import type { Job } from 'bullmq';
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

/**
 * Validates the results a parent job's children returned (`job.getChildrenValues()`: each
 * child's stored result by its job key, e.g. `bull:rebuild-shard:12`) with `schema`.
 * @param what - names the parent job in the error, e.g. `rebuild job 12`
 * @throws JobResultError naming the parent, the child's key and each bad path
 */
export function decodeChildResults<S extends z.ZodType>(schema: S, values: Record<string, unknown>, what: string): Record<string, z.infer<S>> {
  const out: Record<string, z.infer<S>> = {};
  for (const [child, value] of Object.entries(values)) out[child] = decodeJobResult(schema, value, `${what}: child ${child}`);
  return out;
}

/**
 * Reads and validates the results of `job`'s children (`getChildrenValues`). BullMQ parses each
 * stored value with JSON.parse and throws a bare SyntaxError on one that is not JSON: that is
 * reported as a JobResultError naming the parent too.
 * @param what - names the parent job in the error, e.g. `rebuild job 12`
 * @throws JobResultError when a child's stored result is not JSON or not of `schema`'s shape
 */
export async function readChildResults<S extends z.ZodType>(job: Pick<Job, 'getChildrenValues'>, schema: S, what: string): Promise<Record<string, z.infer<S>>> {
  let values: Record<string, unknown>;
  try {
    values = await job.getChildrenValues<unknown>();
  } catch (err) {
    if (err instanceof SyntaxError) throw new JobResultError(`${what}: a child's stored result is not JSON (${err.message})`, { cause: err });
    throw err;
  }
  return decodeChildResults(schema, values, what);
}
