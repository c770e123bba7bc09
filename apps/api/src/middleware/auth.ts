import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './errors';

/** SHA-256 of a key or token: equal-length digests make `timingSafeEqual` usable on values of any length. */
export function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The key a request presents: `X-API-Key`, else `Authorization: Bearer <key>`; undefined when neither. */
export function presentedKey(header: (name: string) => string | undefined): string | undefined {
  const direct = header('x-api-key');
  if (direct !== undefined && direct !== '') return direct;
  const auth = header('authorization');
  const match = auth === undefined ? null : /^Bearer\s+(.+)$/i.exec(auth.trim());
  return match?.[1];
}

/**
 * Guards write and admin endpoints. With no key configured every request is refused (403),
 * so a forgotten API_KEY never leaves uploads open; a missing key is 401, a wrong one 403.
 * Keys are compared in constant time.
 * @param apiKey - the configured key, or undefined when API_KEY is unset
 */
export function requireApiKey(apiKey: string | undefined): RequestHandler {
  const expected = apiKey === undefined || apiKey === '' ? undefined : digest(apiKey);
  return (req, _res, next) => {
    if (expected === undefined) {
      return next(new HttpError(403, 'FORBIDDEN', 'Write and admin endpoints are disabled: the server has no API_KEY configured. Set API_KEY and restart.'));
    }
    const key = presentedKey((name) => req.get(name));
    if (key === undefined) {
      return next(new HttpError(401, 'UNAUTHORIZED', 'This endpoint needs an API key: send it as X-API-Key or Authorization: Bearer <key>.'));
    }
    if (!timingSafeEqual(digest(key), expected)) return next(new HttpError(403, 'FORBIDDEN', 'The API key is not valid.'));
    next();
  };
}

/**
 * For reads that show more to the key holder (job details): true when the request presents the
 * valid key, false when it presents none (an anonymous caller). A wrong key is still refused
 * (403), so guessing cannot pass for anonymity; with no key configured nobody is the holder.
 * @param apiKey - the configured key, or undefined when API_KEY is unset
 */
export function keyHolderCheck(apiKey: string | undefined): (header: (name: string) => string | undefined) => boolean {
  const expected = apiKey === undefined || apiKey === '' ? undefined : digest(apiKey);
  return (header) => {
    const key = presentedKey(header);
    if (key === undefined) return false;
    if (expected === undefined || !timingSafeEqual(digest(key), expected)) throw new HttpError(403, 'FORBIDDEN', 'The API key is not valid.');
    return true;
  };
}
