import type { Request, Response } from 'express';
import type { ModelSnapshot } from '../services/model-snapshot';

/** True when the request's If-None-Match lists `etag` (or `*`); weak validators match too. */
function matches(req: Request, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (header === undefined) return false;
  if (header === '*') return true;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === etag || t === `W/${etag}`;
  });
}

/**
 * Answers a model-backed read. Every answer carries its model version (`X-Model-Version`)
 * and an ETag of version + resource, so a client revalidates for free (304) until the model
 * changes. The JSON is built once per version and resource and then served from the
 * snapshot's LRU as bytes: a cache hit costs no Redis round trip and no serialization.
 * @param resource - stable key of the answer within a version, e.g. `similar:1:10`
 * @param build - computes the answer body (a plain object) on a cache miss
 */
export async function sendModelAnswer(req: Request, res: Response, snap: ModelSnapshot, resource: string, build: () => Promise<unknown>): Promise<void> {
  const etag = `"${snap.version}:${resource}"`;
  res.setHeader('X-Model-Version', snap.version);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'no-cache');
  if (matches(req, etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  let body = snap.answers.get(resource);
  if (body === undefined) {
    body = Buffer.from(JSON.stringify(await build()));
    snap.answers.set(resource, body);
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(body);
}
