import { UnrecoverableError } from 'bullmq';
import { InputError, MovieLensError, NotFoundError } from '@movielens/core';
import { JobResultError } from '@movielens/jobs';
import { CorruptRecordError } from '@movielens/store';

/**
 * The model version a job works on is no longer being built: it was deleted after a failure,
 * swept as abandoned, or its staged inputs are gone. Retrying cannot bring it back.
 */
export class BuildAbandonedError extends MovieLensError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BUILD_ABANDONED', message, options);
  }
}

/** A rebuild (or shard) job cannot run as stored: bad payload, no worker token. Retrying cannot help. */
export class RebuildJobError extends MovieLensError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BAD_JOB', message, options);
  }
}

/**
 * A kind's evaluation fit refuses a training catalogue beyond the kind's declared bound (EASE's
 * `easeMaxMovies`: memory in movies^2, time in movies^3). Model selection skips that candidate
 * instead of failing; `movielens evaluate` reports it.
 */
export class KindBoundError extends InputError {}

/** True for errors that fail the same way on every attempt (bad input, abandoned build, missing data, a corrupt stored record or job result). */
export function isPermanent(err: unknown): boolean {
  return err instanceof CorruptRecordError || err instanceof JobResultError || err instanceof InputError || err instanceof BuildAbandonedError || err instanceof RebuildJobError || err instanceof NotFoundError || err instanceof UnrecoverableError;
}

/**
 * BullMQ's signal to fail a job without its remaining attempts, with the same message and the
 * original error as `cause` (BullMQ matches it by name, so the cause survives in logs only).
 */
export function unrecoverable(err: Error): UnrecoverableError {
  if (err instanceof UnrecoverableError) return err;
  const u = new UnrecoverableError(err.message);
  (u as Error).cause = err;
  return u;
}
