import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientErrors } from '../src/middleware/client-error';
import { openApiDocument } from '../src/openapi';
import { answerProblem } from './fuzz/answer-check';
import { sendRaw } from './fuzz/http-client';
import { operationsOf, requestFor } from './fuzz/route-cases';
import { harnessWithModel, syntheticDataset, type Harness } from './fixtures';

/**
 * Property-based fuzzing of every documented route on a real listening server with a real model
 * in a real Redis. Seeded: FUZZ_SEED reproduces a run, FUZZ_RUNS sets its length (CI: 3,000;
 * `node tools/fuzz-api.mjs --runs 100000` for a long one). A failure names the seed and the
 * request; FUZZ_REPORT=1 prints how often each route answered each status.
 */

const KEY = 'test-key-0123456789';
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

let h: Harness;
let server: Server;
let port: number;
beforeAll(async () => {
  // A write limit above the run's length, so writes reach their routes instead of 429.
  ({ harness: h } = await harnessWithModel(syntheticDataset(), { k: 4, topK: 10, recsN: 10 }, { writeRateLimit: 10 * RUNS }));
  server = createServer(h.handler);
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
}, 180_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h.close();
});

describe('route fuzzing', () => {
  const ops = operationsOf(openApiDocument);

  it('covers every documented operation', () => {
    expect(ops.length).toBeGreaterThanOrEqual(20);
    expect(ops.map((o) => `${o.method} ${o.template}`)).toEqual(expect.arrayContaining(['GET /api/v1/movies', 'POST /api/v1/datasets', 'GET /api/v1/users/{id}/recommendations']));
  });

  it(`answers ${RUNS} hostile requests with documented statuses and the error shape, never 5xx, and stays up`, async () => {
    /** Answers per route and status, e.g. `GET /api/v1/movies 200` -> 23. */
    const seen = new Map<string, number>();
    const outcome = await fc.check(
      fc.asyncProperty(requestFor(ops, KEY), async ({ op, req }) => {
        const res = await sendRaw(port, req);
        const key = `${op.method} ${op.template} ${res.status}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        const problem = answerProblem(op, req, res);
        if (problem !== null) throw new Error(`${problem}: ${req.method} ${req.path.slice(0, 300)} -> ${res.body.toString('utf8').slice(0, 300)}`);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (process.env.FUZZ_REPORT === '1') console.log([...seen].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
    if (outcome.failed) {
      const cause = outcome.errorInstance instanceof Error ? outcome.errorInstance.message : String(outcome.errorInstance);
      throw new Error(`fuzz case failed (FUZZ_SEED=${outcome.seed}, path ${outcome.counterexamplePath}): ${cause.slice(0, 800)}`);
    }
    // Every operation was tried, and enough cases got past validation to exercise the model reads.
    const tried = new Set([...seen.keys()].map((k) => k.slice(0, k.lastIndexOf(' '))));
    expect(tried.size).toBe(ops.length);
    const successes = [...seen].filter(([k]) => / 2\d\d$/.test(k)).reduce((n, [, c]) => n + c, 0);
    expect(successes / RUNS).toBeGreaterThan(0.2);
    const health = await sendRaw(port, { method: 'GET', path: '/healthz', headers: {} });
    expect(health.status).toBe(200);
  }, 600_000);
});
