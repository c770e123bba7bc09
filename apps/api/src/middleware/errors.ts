import type { ErrorRequestHandler, RequestHandler } from 'express';
import { InputError, MovieLensError, NotFoundError, NotReadyError, formatIssue } from '@movielens/core';
import type { Logger } from '@movielens/config';
import type { ErrorBody } from '@movielens/contracts';

/** An error that already knows its HTTP status and stable code. */
export class HttpError extends Error {
  constructor(
    /** HTTP status, e.g. 400. */
    readonly status: number,
    /** Stable machine-readable code, e.g. `BAD_REQUEST`. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

/** The message every model-backed endpoint returns before the first model exists. */
export const NO_MODEL_MESSAGE =
  'No model has been built yet. Upload a dataset (POST /api/v1/datasets) or run `npx movielens rebuild`.';

/** 503 NOT_READY: no model has been built yet. */
export function notReady(): HttpError {
  return new HttpError(503, 'NOT_READY', NO_MODEL_MESSAGE);
}

/** 503 NOT_READY: the served model version has no trained MF rating model (built with `mf: false`). */
export function mfNotReady(version: string): HttpError {
  return new HttpError(
    503,
    'NOT_READY',
    `Model ${version} has no trained MF rating model (it was built with mf: false). Rebuild with MF enabled (the default): POST /api/v1/models/rebuild or \`npx movielens rebuild\`.`,
  );
}

/** 503 NOT_READY: the served set has no version of the kind serving `algorithm` (turned off, or still training). */
export function kindNotReady(version: string, kind: string, algorithm: string): HttpError {
  if (kind === 'mf') return mfNotReady(version);
  return new HttpError(503, 'NOT_READY', `Model ${version} has no ${kind} kind, which serves algorithm=${algorithm}: it is turned off or still training. See GET /api/v1/models.`);
}

/** 503 NOT_READY: the served model version has no next-movie LSTM (rebuilds train one only with `lstm: true`). */
export function lstmNotReady(version: string): HttpError {
  return new HttpError(
    503,
    'NOT_READY',
    `Model ${version} has no next-movie LSTM (it is trained only on request). Rebuild with lstm: true: POST /api/v1/models/rebuild {"params":{"lstm":true}} or \`npx movielens rebuild --lstm\`.`,
  );
}

/**
 * 503 LSTM_TRAINING: the served version has no next-movie LSTM, and a build that trains one
 * is queued or running (`lstmPercent`: how far the LSTM is, when reported). Nothing to do but
 * wait: the answer says how far it is.
 */
export function lstmTraining(version: string, build: { state: string; lstmPercent: number | null }): HttpError {
  const where =
    build.lstmPercent !== null
      ? `training is ${Math.round(build.lstmPercent)}% done`
      : build.state === 'active' || build.state === 'waiting-children'
        ? 'its build has started'
        : 'its build is queued';
  return new HttpError(
    503,
    'LSTM_TRAINING',
    `Model ${version} has no next-movie LSTM yet: one is being trained (${where}). Next-movie answers start when that model is published; retry in a few minutes.`,
  );
}

/** 503 NOT_READY: the served version has an LSTM but no stored per-user states (built before they were written). */
export function lstmStatesMissing(version: string): HttpError {
  return new HttpError(
    503,
    'NOT_READY',
    `Model ${version} has a next-movie LSTM but no per-user LSTM states (it was built before they were stored). Rebuild with lstm: true: POST /api/v1/models/rebuild {"params":{"lstm":true}} or \`npx movielens rebuild --lstm\`.`,
  );
}

/** 503 UNAVAILABLE: Redis cannot be reached. */
export function unavailable(cause?: unknown): HttpError {
  return new HttpError(503, 'UNAVAILABLE', 'Redis is unreachable; the API will recover by itself when it returns. Retry shortly.', { cause });
}

/** 404 NOT_FOUND naming what was missing. */
export function notFound(message: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', message);
}

/** Error bodies have one shape everywhere: `{ error: { code, message } }` (plus `issues` for bad files), the contracts' `errorBody`. */
export type { ErrorBody };

/** True for the errors ioredis raises when the server is unreachable or a command timed out. */
function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const name = err.name;
  const msg = err.message;
  return (
    name === 'MaxRetriesPerRequestError' ||
    msg.includes('Connection is closed') ||
    msg.includes("Stream isn't writeable") ||
    msg.includes('Command timed out') ||
    msg.includes('ECONNREFUSED') ||
    msg.includes('enableOfflineQueue')
  );
}

/** Maps an error of any kind to a status and a body; never exposes a stack or a server path. */
export function toHttp(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) return { status: err.status, body: { error: { code: err.code, message: err.message } } };
  if (err instanceof InputError) {
    const issues = err.issues.slice(0, 20).map(formatIssue);
    return { status: 400, body: { error: { code: err.code, message: err.message, ...(issues.length > 0 ? { issues } : {}) } } };
  }
  if (err instanceof NotFoundError) return { status: 404, body: { error: { code: err.code, message: err.message } } };
  if (err instanceof NotReadyError) return { status: 503, body: { error: { code: 'NOT_READY', message: err.message || NO_MODEL_MESSAGE } } };
  if (err instanceof MovieLensError) return { status: 500, body: { error: { code: err.code, message: err.message } } };
  if (isRedisUnavailable(err)) return toHttp(unavailable(err));
  // body-parser / express errors carry a status and an `expose` flag for safe messages.
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown; type?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 413) return { status, body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large.' } } };
  // Express's router fails to decode a path parameter such as `%E0` with a bare URIError marked 400 (no `expose`).
  if (status === 400 && err instanceof URIError) {
    return { status, body: { error: { code: 'BAD_REQUEST', message: `path: not valid percent-encoding (${err.message}); encode each byte as %XX of UTF-8.` } } };
  }
  // body-parser refuses a charset or content encoding it cannot read with 415.
  if (status === 415) {
    const message = e.expose === true && typeof e.message === 'string' ? `Unsupported media type: ${e.message}; send UTF-8 JSON.` : 'Unsupported media type; send UTF-8 JSON.';
    return { status, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message } } };
  }
  if (status >= 400 && status < 500) {
    const message = e.expose === true && typeof e.message === 'string' ? (e.type === 'entity.parse.failed' ? 'Request body is not valid JSON.' : e.message) : 'Bad request.';
    return { status, body: { error: { code: 'BAD_REQUEST', message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error.' } } };
}

/** The one error handler: typed errors to statuses, everything else to a bare 500 (logged). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const { status, body } = toHttp(err);
    // An error answer is not the cached resource: never let it carry the resource's validator.
    res.removeHeader('ETag');
    // 503s are states of the service (no model yet, an LSTM being trained, Redis away), answered as designed: not errors to log.
    if (status >= 500 && status !== 503) logger.error({ err, path: req.path }, 'request failed');
    res.status(status).json(body);
  };
}

/** JSON 404 for every route nobody handled. */
export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${req.path}` } } satisfies ErrorBody);
};
