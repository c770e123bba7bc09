import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's default security headers, computed once. helmet runs a chain of a dozen small
 * middlewares per request; with its defaults every header value is constant, so they are
 * captured at start-up from one helmet run and replayed with a plain loop: the same headers
 * for a dozen fewer function calls on every request.
 */
export function securityHeaders(): RequestHandler {
  const headers: [string, string][] = [];
  const capture = {
    setHeader(name: string, value: unknown) {
      headers.push([name, Array.isArray(value) ? value.join(', ') : String(value)]);
      return capture;
    },
    removeHeader() {},
    getHeader() {
      return undefined;
    },
  };
  let synchronous = false;
  helmet()({} as IncomingMessage, capture as unknown as ServerResponse, () => (synchronous = true));
  if (!synchronous || headers.length === 0) throw new Error('helmet did not set its headers synchronously; cannot precompute them');
  return (_req, res, next) => {
    for (let i = 0; i < headers.length; i++) res.setHeader(headers[i][0], headers[i][1]);
    next();
  };
}
