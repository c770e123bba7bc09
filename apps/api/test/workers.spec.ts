/**
 * API_WORKERS > 1: the API as a real node:cluster of processes (`node --import tsx main.ts`),
 * on a private redis-server. Checks what a single process gave for free: every worker hears
 * model switches, /metrics covers all of them, a dead worker is replaced, SIGTERM drains all
 * and exits 0.
 */
import type { ChildProcess } from 'node:child_process';
import { get, request } from 'node:http';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullPrefix, QueueName } from '@movielens/jobs';
import { KeySchema } from '@movielens/store';
import { freePort, startRedisServer } from '@movielens/test-support';
import { MAINS, startProcess, stopProcess, until } from './cluster';
import { buildModel, seedDataset, syntheticDataset } from './fixtures';

let redis: Awaited<ReturnType<typeof startRedisServer>>;
let api: ChildProcess;
let url: string;
const logs: string[] = [];
const API_KEY = 'workers-spec-key-0123';
const PREFIX = 'mlw';

/** One GET on a fresh TCP connection (no keep-alive), so the primary hands each to the next worker. */
function getFresh(path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get(`${url}${path}`, { agent: false }, (res) => {
      let text = '';
      res.on('data', (b: Buffer) => (text += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject);
  });
}

/**
 * Starts an upload (POST /datasets, one small u.data) and sends only the first half of its
 * body; resolves once that half is written, with a function that sends the rest and resolves
 * with the response status.
 */
function halfSentUpload(): Promise<() => Promise<number>> {
  const boundary = 'workers-spec';
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="u.data"\r\nContent-Type: application/octet-stream\r\n\r\n1\t3\t5\t881250949\n2\t3\t4\t881250950\n\r\n--${boundary}--\r\n`,
  );
  const half = Math.floor(body.length / 2);
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/datasets`, {
      method: 'POST',
      agent: false,
      headers: { 'X-API-Key': API_KEY, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': body.length },
    });
    const status = new Promise<number>((done, fail) => {
      req.on('response', (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on('error', fail);
    });
    status.catch(() => undefined); // awaited by the caller once it finishes the upload
    req.on('error', reject);
    req.write(body.subarray(0, half), () =>
      resolve(() => {
        req.end(body.subarray(half));
        return status;
      }),
    );
  });
}

/** Pids of the workers that logged "API listening", in order of appearance. */
function listeningPids(): number[] {
  const pids: number[] = [];
  for (const line of logs.join('\n').split('\n')) {
    if (!line.includes('API listening')) continue;
    const m = /"pid":(\d+)/.exec(line);
    if (m !== null) pids.push(Number(m[1]));
  }
  return pids;
}

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  redis = await startRedisServer();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  api = startProcess('api', MAINS.api, { REDIS_URL: redis.url, KEY_PREFIX: PREFIX, LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1', API_WORKERS: '2', API_KEY }, logs);
  await until('2 workers to listen', async () => (listeningPids().length >= 2 ? true : undefined), 120_000);
}, 150_000);

afterAll(async () => {
  if (api.exitCode === null) await stopProcess(api);
  await redis.stop();
});

/** True when 6 fresh requests (3 per worker) all answer with model `version`; else undefined (for `until`). */
async function allServe(version: string): Promise<true | undefined> {
  const models = await servedModels(6);
  return models.size === 1 && models.has(version) ? true : undefined;
}

/** The `model` of a similar-movies answer from each of `n` fresh connections (so from every worker). */
async function servedModels(n: number): Promise<Set<string>> {
  const models = new Set<string>();
  for (let i = 0; i < n; i++) {
    const res = await getFresh('/api/v1/movies/3/similar?k=3');
    models.add(res.status === 200 ? (JSON.parse(res.text) as { model: string }).model : `status ${res.status}`);
  }
  return models;
}

describe('API_WORKERS=2', () => {
  it('every worker serves the new model after a switch (each has its own cache and hears the switch itself)', async () => {
    const client = new Redis(redis.url);
    try {
      await seedDataset(client, new KeySchema(PREFIX), 'd1', syntheticDataset());
      const first = await buildModel(redis.url, PREFIX, { k: 4, topK: 10, recsN: 10 });
      await until('both workers to serve the first model', () => allServe(first), 30_000);
      // Warm both workers' answer caches (and hot paths) with the first model's answers.
      expect(await servedModels(6)).toEqual(new Set([first]));
      const second = await buildModel(redis.url, PREFIX, { k: 5, topK: 10, recsN: 10 });
      await until('both workers to serve the second model', () => allServe(second), 10_000);
      expect(await servedModels(10)).toEqual(new Set([second]));
    } finally {
      await client.quit();
    }
  });

  it('serves from two worker processes and /metrics counts the requests of both', async () => {
    expect(new Set(listeningPids()).size).toBe(2);
    for (let i = 0; i < 20; i++) expect((await getFresh('/healthz')).status).toBe(200);
    const metrics = await getFresh('/metrics');
    expect(metrics.status).toBe(200);
    // Round-robin gives each worker 10 of the 20: only an aggregate of both registries reads 20.
    const m = /http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} (\d+)/.exec(metrics.text);
    expect(Number(m?.[1])).toBe(20);
    // Queue depths are read by every worker from the same queues: aggregated as one reading, not a sum.
    const queue = new Queue(QueueName.rebuild, { connection: { url: redis.url }, prefix: bullPrefix(PREFIX) });
    const { completed } = await queue.getJobCounts('completed');
    await queue.close();
    expect(completed).toBeGreaterThan(0); // the two rebuilds of the previous test
    expect(metrics.text).toContain(`queue_jobs{queue="rebuild",state="completed"} ${completed}\n`);
  });

  it('replaces a worker that dies and keeps serving', async () => {
    const [victim] = listeningPids();
    process.kill(victim, 'SIGKILL');
    await until('a replacement worker', async () => (new Set(listeningPids()).size >= 3 ? true : undefined), 60_000);
    for (let i = 0; i < 4; i++) expect((await getFresh('/healthz')).status).toBe(200);
  });

  it('drains every worker on SIGTERM, finishing an in-flight upload, and exits 0', async () => {
    const workers = [...new Set(listeningPids())].filter(alive);
    expect(workers).toHaveLength(2);
    const finishUpload = await halfSentUpload();
    const exited = stopProcess(api);
    await until('the workers to start draining', async () => (logs.join('\n').includes('shutting down') ? true : undefined), 10_000);
    // The upload began before SIGTERM: its worker waits for it, so the rest is still accepted.
    expect(await finishUpload()).toBe(202);
    expect(await exited).toBe(0);
    for (const pid of workers) expect(alive(pid)).toBe(false);
    expect(logs.join('\n')).toMatch(/every worker stopped/);
  });
});
