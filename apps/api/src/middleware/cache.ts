import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { Lru } from '../services/lru';
import { cachedBytes, type ModelSnapshot } from '../services/model-snapshot';

/**
 * Characters allowed inside a quoted entity-tag that are also plain ASCII (RFC 9110 etagc without
 * obs-text): printable, no space, no double quote. Header values must never carry user text
 * outside this set (Node refuses control characters and anything above U+00FF in headers).
 */
const ETAG_SAFE = /^[\x21\x23-\x7e]{1,200}$/;

/**
 * The quoted ETag of `resource` in model `version`: `"<version>:<resource>"` when both are short
 * printable ASCII (readable in logs), else `"<version>:#<sha256 of resource, base64url>"`. Resource
 * keys may hold user text (a search query with `’`, an emoji, `%00`), so they are never put in a
 * header as they are. Resource keys start with a letter, so the `#` form never equals a plain one.
 */
export function etagOf(version: string, resource: string): string {
  const plain = `${version}:${resource}`;
  if (ETAG_SAFE.test(plain)) return `"${plain}"`;
  const safeVersion = ETAG_SAFE.test(version) ? version : createHash('sha256').update(version).digest('base64url').slice(0, 16);
  return `"${safeVersion}:#${createHash('sha256').update(resource).digest('base64url').slice(0, 22)}"`;
}

/** True when an If-None-Match header lists `etag` (or `*`); weak validators match too. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === '*') return true;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === etag || t === `W/${etag}`;
  });
}

/**
 * A serialized model answer as the hot path replays it: the bytes, the validators and the
 * route label for metrics, all fixed when the answer was first built through Express.
 */
export interface HotAnswer {
  /** The JSON body. Shared with the snapshot's per-resource LRU. */
  body: Buffer;
  /** Model version of the answer (`X-Model-Version`). */
  version: string;
  /** Quoted ETag from {@link etagOf}: header-safe whatever the resource key holds. */
  etag: string;
  /** Route pattern for the latency histogram, e.g. `/api/v1/movies/:id/similar`. */
  route: string;
  /** False once the answer is stale within its model version (a user's live ratings changed): the hot path then hands the request to Express. */
  current?: () => boolean;
}

/**
 * Answers already served, by exact request URL (path and query as sent), per snapshot. A
 * WeakMap keyed by the snapshot: a model switch makes a new snapshot, so the old version's
 * URLs are unreachable at once and collected with it.
 */
const hotByUrl = new WeakMap<ModelSnapshot, Lru<string, HotAnswer>>();

/** The answer previously served for `url` by `snap`, if any (marks it recently used). */
export function hotAnswer(snap: ModelSnapshot, url: string): HotAnswer | undefined {
  return hotByUrl.get(snap)?.get(url);
}

/**
 * Longest URL remembered for the hot path, characters. Real model URLs are under 100
 * (`/api/v1/movies/3/similar?k=10`); a longer one carries padding the routes ignore, and
 * each distinct padding would otherwise be a new entry.
 */
export const HOT_URL_MAX_CHARS = 512;

/**
 * Remembers what a GET of `url` answered, for the hot path: at most the snapshot's entry
 * count, and half its cache bytes (URL and body counted, though the body is shared with the
 * answer LRU, so the bound holds even once that LRU has dropped it).
 */
function rememberHot(snap: ModelSnapshot, url: string, answer: HotAnswer): void {
  if (url.length > HOT_URL_MAX_CHARS) return;
  let lru = hotByUrl.get(snap);
  if (lru === undefined) {
    lru = new Lru(snap.cache.entries, { maxBytes: snap.cache.bytes / 2, sizeOf: (key, hot) => cachedBytes(key, hot.body) });
    hotByUrl.set(snap, lru);
  }
  lru.set(url, answer);
}

/** Entries and estimated bytes of the by-URL cache of `snap` (0 before its first answer). */
export function hotCacheSize(snap: ModelSnapshot): { entries: number; bytes: number } {
  const lru = hotByUrl.get(snap);
  return { entries: lru?.size ?? 0, bytes: lru?.sizeBytes ?? 0 };
}

/**
 * Answers a model-backed read. Every answer carries its model version (`X-Model-Version`)
 * and an ETag of version + resource, so a client revalidates for free (304) until the model
 * changes (the answer is known to exist before a 304 is sent). The JSON is built once per
 * version and resource and then served from the snapshot's LRU as bytes: a cache hit costs no Redis round trip and no serialization.
 * A successful GET is also remembered by its exact URL, so the next identical request can be
 * answered by the hot path (`hot-path.ts`) before Express runs at all.
 * @param resource - stable key of the answer within a version, e.g. `similar:1:10`
 * @param build - computes the answer body (a plain object) on a cache miss
 * @param current - for answers that can go stale within a version (a user's, whose live ratings
 *   change it; `resource` then carries the user's live epoch): false once the URL's remembered
 *   answer must not be replayed any more
 */
export async function sendModelAnswer(req: Request, res: Response, snap: ModelSnapshot, resource: string, build: () => Promise<unknown>, current?: () => boolean): Promise<void> {
  const etag = etagOf(snap.version, resource);
  // The answer is built (or found) before If-None-Match is looked at: an unknown resource is a
  // 404 and a missing optional model a 503 even to `If-None-Match: *`, never a 304.
  let body = snap.answers.get(resource);
  if (body === undefined) {
    body = Buffer.from(JSON.stringify(await build()));
    snap.answers.set(resource, body);
  }
  if (req.method === 'GET' && req.route !== undefined) {
    rememberHot(snap, req.originalUrl, { body, version: snap.version, etag, route: `${req.baseUrl}${String((req.route as { path: string }).path)}`, current });
  }
  sendValidated(req, res, snap.version, etag, body);
}

/**
 * Answers with a model-backed body that is not worth caching (e.g. MF predictions for an
 * arbitrary movie list: caching those would evict the hot entries), with the same
 * `X-Model-Version`, ETag and 304 handling as {@link sendModelAnswer}.
 * @param resource - stable key of the answer within a version; hashed into the ETag, so it may be long
 */
export function sendUncachedModelAnswer(req: Request, res: Response, snap: ModelSnapshot, resource: string, answer: unknown): void {
  const etag = etagOf(snap.version, `#${createHash('sha256').update(resource).digest('base64url').slice(0, 22)}`);
  sendValidated(req, res, snap.version, etag, Buffer.from(JSON.stringify(answer)));
}

/** Sets the model validators, then answers 304 when If-None-Match lists `etag`, else 200 with `body`. */
function sendValidated(req: Request, res: Response, version: string, etag: string, body: Buffer): void {
  res.setHeader('X-Model-Version', version);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'no-cache');
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(body);
}
