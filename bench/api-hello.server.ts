/**
 * References for bench/api.bench.ts: a bare hello-world answering a small JSON document.
 * `HELLO=express` (default): an Express 5 app, the ceiling any Express route can reach here.
 * `HELLO=node`: plain node:http with one `writeHead` + `end`, the ceiling of anything in Node,
 * including the API's hot path (which replays cached answers before Express runs).
 *   PORT=3999 [HELLO=node] node --import tsx bench/api-hello.server.ts
 */
import { createServer, type Server } from 'node:http';
import express from 'express';

const port = Number(process.env.PORT ?? 3999);
let server: Server;
if (process.env.HELLO === 'node') {
  const body = Buffer.from(JSON.stringify({ hello: 'world' }));
  const head = ['Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(body.length)];
  server = createServer((_req, res) => {
    res.writeHead(200, head);
    res.end(body);
  }).listen(port, '127.0.0.1');
} else {
  const app = express();
  app.disable('x-powered-by');
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  server = app.listen(port, '127.0.0.1');
}
process.on('SIGTERM', () => server.close(() => process.exit(0)));
