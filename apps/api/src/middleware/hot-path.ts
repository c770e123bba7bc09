import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReadModel } from '../services/read-model';
import { etagMatches, hotAnswer, type HotAnswer } from './cache';
import type { ApiMetrics } from './metrics';
import { securityHeaderList } from './security-headers';

/** A plain Node request listener (what `http.createServer` and supertest take). */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Flat header lists (`[name, value, name, value, ...]`) of one hot answer, built on its first replay. */
const headLists = new WeakMap<HotAnswer, { ok: string[]; notModified: string[] }>();

/**
 * Serves repeated model reads before Express runs. Profiling the cached lookups showed
 * Express itself (router layers, request/response decoration, middleware chain) costing
 * several times the answer, which is already bytes in memory. So a GET whose exact URL was
 * answered before by `sendModelAnswer` on the model version still served is replayed here:
 * the same status, headers (helmet's, `Vary`, `X-Model-Version`, `ETag`, `Cache-Control`,
 * `Content-Type`), body and 304 handling as the Express route, and the same latency metric.
 * Everything else goes to Express: misses, other methods, requests with an `Origin` (CORS
 * headers depend on it), a snapshot not loaded yet, Redis down (Express answers 503), or an
 * answer gone stale within its version (a user's, after their live ratings changed).
 * @param readModel - the served model view; its synchronous `loadedSnapshot()` gates the path
 * @param metrics - where the latency of replayed answers is recorded
 * @param fallback - the Express app
 */
export function withHotPath(readModel: ReadModel, metrics: ApiMetrics, fallback: RequestListener): RequestListener {
  const common = securityHeaderList().flat();
  common.push('Vary', 'Origin');
  const headsOf = (hit: HotAnswer) => {
    let heads = headLists.get(hit);
    if (heads === undefined) {
      const validators = ['X-Model-Version', hit.version, 'ETag', hit.etag, 'Cache-Control', 'no-cache'];
      heads = {
        ok: [...common, ...validators, 'Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(hit.body.length)],
        notModified: [...common, ...validators],
      };
      headLists.set(hit, heads);
    }
    return heads;
  };
  return (req, res) => {
    if (req.method !== 'GET' || req.headers.origin !== undefined || req.url === undefined) return fallback(req, res);
    const snap = readModel.loadedSnapshot();
    const hit = snap === null ? undefined : hotAnswer(snap, req.url);
    if (hit === undefined || (hit.current !== undefined && !hit.current())) return fallback(req, res);
    const start = performance.now();
    const heads = headsOf(hit);
    if (etagMatches(req.headers['if-none-match'], hit.etag)) {
      res.writeHead(304, heads.notModified);
      res.end();
    } else {
      res.writeHead(200, heads.ok);
      res.end(hit.body);
    }
    metrics.observe('GET', hit.route, res.statusCode, (performance.now() - start) / 1000);
  };
}
