import type { Logger } from '@movielens/config';
import type { RequestListener } from './hot-path';

/** The body of the 500 answered when the request listener itself throws. */
const INTERNAL_BODY = JSON.stringify({ error: { code: 'INTERNAL', message: 'Internal server error.' } });

/**
 * The one guard around the whole HTTP layer. Express catches what its routes throw (sync or
 * async) and hands it to the error handler, but code that runs before Express (the hot path) or
 * throws while a response is being written would otherwise escape to the server's `request`
 * event and kill the process. Here such an error ends that request: a logged line, then a JSON
 * 500 when nothing was sent yet, or a destroyed socket when the answer had already started (a
 * half-written answer must not be mistaken for a whole one). The process keeps serving.
 * @param listener - the server's request listener (the hot path in front of Express)
 * @param logger - where the failure is logged, with method and path (never the query: it may hold user text)
 */
export function guardListener(listener: RequestListener, logger: Logger): RequestListener {
  return (req, res) => {
    try {
      listener(req, res);
    } catch (err) {
      logger.error({ err, method: req.method, path: (req.url ?? '').split('?')[0].slice(0, 200) }, 'request listener threw; answered 500');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      try {
        // Headers set before the throw may be what failed: start from none.
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(INTERNAL_BODY), 'Cache-Control': 'no-store' });
        res.end(INTERNAL_BODY);
      } catch {
        res.destroy();
      }
    }
  };
}
