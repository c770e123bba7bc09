/**
 * Reference for bench/api.bench.ts: a bare Express 5 app answering a small JSON document,
 * the ceiling any Express route on this machine can reach.
 *   PORT=3999 node --import tsx bench/api-hello.server.ts
 */
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
const server = app.listen(Number(process.env.PORT ?? 3999), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
