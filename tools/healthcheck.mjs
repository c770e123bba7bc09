#!/usr/bin/env node
// Container health check (no dependencies, so it runs in the slim runtime image).
//   healthcheck.mjs http        GET http://127.0.0.1:$PORT/healthz answers 2xx (the API)
//   healthcheck.mjs heartbeat   $HEARTBEAT_FILE was touched in the last 30 s (the workers
//                               touch it while their Redis connection is ready)
import { statSync } from 'node:fs';

const mode = process.argv[2];
if (mode === 'http') {
  const port = process.env.PORT || '3000';
  fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2500) })
    .then((res) => process.exit(res.ok ? 0 : 1))
    .catch(() => process.exit(1));
} else if (mode === 'heartbeat') {
  const file = process.env.HEARTBEAT_FILE || '/tmp/movielens-heartbeat';
  try {
    const ageMs = Date.now() - statSync(file).mtimeMs;
    process.exit(ageMs < 30_000 ? 0 : 1);
  } catch {
    process.exit(1);
  }
} else {
  console.error('usage: healthcheck.mjs http|heartbeat');
  process.exit(2);
}
