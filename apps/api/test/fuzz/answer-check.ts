/**
 * What every answer of the API must be, whatever was sent: a status the document lists for the
 * operation (304 only to a conditional GET), never a 5xx other than a documented 503, and for
 * every error the one JSON shape `{ error: { code, message } }`.
 */
import type { Operation } from './route-cases';
import type { RawRequest, RawResponse } from './http-client';

/** Routes whose success is not JSON (Prometheus text, HTML pages). */
const NON_JSON_SUCCESS = new Set(['/metrics', '/docs', '/docs/init.js', '/admin/queues']);

/** Why `res` is not an acceptable answer of `op` to `req`; null when it is. */
export function answerProblem(op: Operation, req: RawRequest, res: RawResponse): string | null {
  const conditional = req.headers['if-none-match'] !== undefined && req.method === 'GET';
  const documented = op.statuses.has(res.status) || (res.status === 304 && conditional && op.statuses.has(304));
  if (!documented) return `status ${res.status} is not documented for ${op.method} ${op.template} (documented: ${[...op.statuses].join(', ')})`;
  if (res.status >= 500 && res.status !== 503) return `status ${res.status}`;
  if (res.status >= 400) {
    const type = String(res.headers['content-type'] ?? '');
    if (!type.startsWith('application/json')) return `error ${res.status} with content type '${type}'`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body.toString('utf8'));
    } catch {
      return `error ${res.status} with a body that is not JSON`;
    }
    const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string' || error.message === '') return `error ${res.status} without { error: { code, message } }`;
    return null;
  }
  if (res.status >= 200 && res.status < 300 && !NON_JSON_SUCCESS.has(op.template)) {
    try {
      JSON.parse(res.body.toString('utf8'));
    } catch {
      return `success ${res.status} with a body that is not JSON`;
    }
  }
  return null;
}
