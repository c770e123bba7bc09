import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { digest, presentedKey } from './auth';
import { HttpError } from './errors';

/** Name of the admin session cookie. */
export const ADMIN_COOKIE = 'ml_admin';

/** Lifetime of the admin session cookie, seconds: 12 hours. */
const SESSION_SECONDS = 12 * 3600;

/** The value of cookie `name` in a Cookie header, or undefined. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Where the browser is sent after signing in: the request's URL without its `key` parameter,
 * as a path on this origin under `mountPath`. The path is normalized first (`%2e%2e`, `//`,
 * `\`), and whatever does not stay under `mountPath` goes to `mountPath` itself, so the
 * Location can never name another host (`//evil.example/x`) or another part of the site.
 */
export function signedInLocation(originalUrl: string, mountPath: string): string {
  let url: URL;
  try {
    url = new URL(originalUrl.replaceAll('\\', '/'), 'http://localhost');
  } catch {
    return mountPath;
  }
  url.searchParams.delete('key');
  const path = url.pathname.replace(/\/{2,}/g, '/');
  const inside = path === mountPath || path.startsWith(`${mountPath}/`);
  return `${inside ? path : mountPath}${url.search}`;
}

/**
 * Guards the admin pages (bull-board at `/admin/queues`) for scripts and for browsers. A
 * script sends the API key as a header, as on every write endpoint. A browser cannot set
 * headers on a typed URL, so opening `/admin/queues?key=<API key>` exchanges the key for a
 * session cookie and redirects (303) to the same URL without the key, which keeps it out of
 * the address bar and history. The cookie holds an HMAC of the key, never the key; it is
 * HttpOnly (no script reads it), SameSite=Strict (other sites cannot ride on it), scoped to
 * `mountPath`, Secure on HTTPS, and lasts 12 h. Keys and tokens are compared in constant time
 * (SHA-256 digests, `timingSafeEqual`). With no key configured every request is refused (403).
 * @param apiKey - the configured key, or undefined when API_KEY is unset
 * @param mountPath - where the admin pages are mounted (the cookie's Path), e.g. `/admin/queues`
 */
export function adminSession(apiKey: string | undefined, mountPath: string): RequestHandler {
  if (apiKey === undefined || apiKey === '') {
    return (_req, _res, next) => next(new HttpError(403, 'FORBIDDEN', 'The admin pages are disabled: the server has no API_KEY configured. Set API_KEY and restart.'));
  }
  const expectedKey = digest(apiKey);
  const token = createHmac('sha256', apiKey).update('movielens admin session v1').digest('base64url');
  const expectedToken = digest(token);
  return (req, res, next) => {
    const queryKey = req.query.key;
    if (typeof queryKey === 'string' && (req.method === 'GET' || req.method === 'HEAD')) {
      if (!timingSafeEqual(digest(queryKey), expectedKey)) return next(new HttpError(403, 'FORBIDDEN', 'The API key is not valid.'));
      const secure = req.secure ? '; Secure' : '';
      res.setHeader('Set-Cookie', `${ADMIN_COOKIE}=${token}; Path=${mountPath}; Max-Age=${SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure}`);
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, signedInLocation(req.originalUrl, mountPath));
      return;
    }
    const cookie = cookieValue(req.headers.cookie, ADMIN_COOKIE);
    if (cookie !== undefined && timingSafeEqual(digest(cookie), expectedToken)) return next();
    const key = presentedKey((name) => req.get(name));
    if (key === undefined) {
      return next(new HttpError(401, 'UNAUTHORIZED', `The admin pages need the API key: in a browser open ${mountPath}?key=<API key> once (it sets a session cookie); scripts send X-API-Key or Authorization: Bearer <key>.`));
    }
    if (!timingSafeEqual(digest(key), expectedKey)) return next(new HttpError(403, 'FORBIDDEN', 'The API key is not valid.'));
    next();
  };
}
