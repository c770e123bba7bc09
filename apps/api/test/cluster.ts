/**
 * A local deployment of real processes for end-to-end tests and the benchmark: a private
 * redis-server, the ingest worker, the compute worker and the API, each started with
 * `node --import tsx <main.ts>` exactly as an operator would, talking only through Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobAnswer } from '@movielens/contracts';
import { freePort, startRedisServer } from '@movielens/test-support';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** Entry points of the processes. */
export const MAINS = {
  api: root('apps/api/src/main.ts'),
  ingest: root('apps/ingest-worker/src/main.ts'),
  compute: root('apps/compute-worker/src/main.ts'),
} as const;

/** A running local deployment. */
export interface LocalCluster {
  apiUrl: string;
  redisUrl: string;
  apiKey: string;
  /** Output of every process, for failure messages. */
  logs: string[];
  /** SIGTERM to every process (waiting for each to exit), then stops Redis. */
  stop(): Promise<void>;
}

/** Starts one `node --import tsx` process; its output goes to `logs`. */
export function startProcess(name: string, script: string, env: Record<string, string>, logs: string[], nodeArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', import.meta.resolve('tsx'), script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (b: Buffer) => logs.push(`${name}| ${b.toString().trimEnd()}`));
  return child;
}

/** Sends SIGTERM and waits for the exit; resolves with the exit code. */
export async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** Polls `check` until it returns a value other than undefined. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000, every = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Starts Redis, the workers (unless `workers: false`) and the API on free ports. */
export async function startCluster(options: { workers?: boolean; apiEnv?: Record<string, string>; apiNodeArgs?: string[] } = {}): Promise<LocalCluster> {
  const redis = await startRedisServer();
  const logs: string[] = [];
  const apiKey = 'e2e-key-0123456789';
  const port = await freePort();
  const env = { REDIS_URL: redis.url, KEY_PREFIX: 'ml', LOG_LEVEL: 'warn', REBUILD_DEBOUNCE_MS: '0' };
  const children: ChildProcess[] = [];
  if (options.workers !== false) {
    children.push(startProcess('ingest', MAINS.ingest, env, logs), startProcess('compute', MAINS.compute, env, logs));
  }
  const api = startProcess('api', MAINS.api, { ...env, PORT: String(port), HOST: '127.0.0.1', API_KEY: apiKey, ...options.apiEnv }, logs, options.apiNodeArgs);
  children.push(api);
  const apiUrl = `http://127.0.0.1:${port}`;
  // Generous: tsx compiles on first start, and the shared machine may be saturated.
  await until('the API to listen', async () => ((await fetch(`${apiUrl}/healthz`)).ok ? true : undefined), 120_000).catch(async (err: Error) => {
    await Promise.all(children.map(stopProcess));
    await redis.stop();
    throw new Error(`${err.message}\n${logs.slice(-30).join('\n')}`);
  });
  return {
    apiUrl,
    redisUrl: redis.url,
    apiKey,
    logs,
    async stop() {
      await Promise.all(children.map(stopProcess));
      await redis.stop();
    },
  };
}

/** Uploads files over HTTP as multipart; resolves with the 202 body. */
export async function uploadFiles(cluster: LocalCluster, paths: string[], fields: Record<string, string> = {}): Promise<{ jobId: string; uploadId: string }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const path of paths) form.append('files', new Blob([readFileSync(path)]), basename(path));
  const res = await fetch(`${cluster.apiUrl}/api/v1/datasets`, { method: 'POST', body: form, headers: { 'X-API-Key': cluster.apiKey } });
  const body = (await res.json()) as { jobId: string; uploadId: string };
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** A job as GET /jobs/:id shows it to the key holder (the fields read here of its contract). */
export type JobView = Pick<JobAnswer, 'state' | 'result' | 'failedReason'>;

/** Follows a job until it completes (resolves) or fails (rejects with its reason). */
export async function followJob(cluster: LocalCluster, jobId: string, ms = 120_000): Promise<JobView> {
  const job = await until(
    `job ${jobId}`,
    async () => {
      const view = (await (await fetch(`${cluster.apiUrl}/api/v1/jobs/${jobId}`, { headers: { 'X-API-Key': cluster.apiKey } })).json()) as JobView;
      return view.state === 'completed' || view.state === 'failed' ? view : undefined;
    },
    ms,
  );
  if (job.state === 'failed') throw new Error(`job ${jobId} failed: ${job.failedReason}\n${cluster.logs.slice(-20).join('\n')}`);
  return job;
}

/** Waits until the API serves a set whose every kind was built from `datasetVersion` and no build is left; resolves with the set version. */
export async function waitForModel(cluster: LocalCluster, datasetVersion: string, ms = 300_000): Promise<string> {
  return until(
    `a model of dataset ${datasetVersion}`,
    async () => {
      // Each kind publishes its own set: wait until no build is left and every served kind is of this dataset.
      const status = (await (await fetch(`${cluster.apiUrl}/api/v1/status`)).json()) as { builds?: unknown[] };
      if ((status.builds ?? []).length > 0) return undefined;
      const models = (await (await fetch(`${cluster.apiUrl}/api/v1/models`)).json()) as {
        current: string | null;
        versions: { version: string; datasetVersion: string; kinds: Record<string, { datasetVersion: string }> | null }[];
      };
      const current = models.versions.find((v) => v.version === models.current);
      if (current?.datasetVersion !== datasetVersion) return undefined;
      if (Object.values(current.kinds ?? {}).some((k) => k.datasetVersion !== datasetVersion)) return undefined;
      const ready = await fetch(`${cluster.apiUrl}/readyz`);
      return ready.ok ? current.version : undefined;
    },
    ms,
    500,
  );
}
