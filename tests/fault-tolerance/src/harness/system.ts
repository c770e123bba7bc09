/**
 * A whole deployment as real processes (API, ingest worker, N compute workers) on one
 * Redis and key prefix, and the HTTP calls the tests drive it with.
 */
import { randomBytes } from 'node:crypto';
import { ingestReportSchema, jobAnswer, type IngestReport, type JobAnswer } from '@movielens/contracts';
import { decodeJobResult, rebuildResultSchema, type RebuildJobResult } from '@movielens/jobs';
import { freePort } from '@movielens/test-support';
import { AppScript, READY_LINE, type ManagedProcess, type ProcessSet } from './processes';

/** The API prefix of every resource route. */
export const API = '/api/v1';

/** Options of {@link startSystem}. */
export interface SystemOptions {
  redisUrl: string;
  keyPrefix: string;
  /** Compute worker processes. Default 2. */
  computeWorkers?: number;
  /** Start the ingest worker. Default true. */
  ingest?: boolean;
  /** Environment for every process (e.g. STALLED_INTERVAL_MS, REDIS_CLUSTER). */
  env?: Record<string, string>;
}

/** A running deployment. */
export interface System {
  apiUrl: string;
  apiKey: string;
  api: ManagedProcess;
  ingest: ManagedProcess | null;
  compute: ManagedProcess[];
  /** The environment every process got (to start more of them). */
  env: Record<string, string>;
}

/** Starts the processes in parallel and resolves once each has logged that it is ready. */
export async function startSystem(procs: ProcessSet, options: SystemOptions): Promise<System> {
  const port = await freePort();
  const apiKey = randomBytes(12).toString('hex');
  const env = { REDIS_URL: options.redisUrl, KEY_PREFIX: options.keyPrefix, REBUILD_DEBOUNCE_MS: '200', ...options.env };
  const api = procs.node('api', AppScript.api, { env: { ...env, PORT: String(port), HOST: '127.0.0.1', API_KEY: apiKey } });
  const ingest = options.ingest === false ? null : procs.node('ingest', AppScript.ingest, { env });
  const compute = Array.from({ length: options.computeWorkers ?? 2 }, (_, i) => procs.node(`compute-${i + 1}`, AppScript.compute, { env }));
  await Promise.all([
    api.waitForLine(READY_LINE.api, 90_000),
    ingest?.waitForLine(READY_LINE.ingest, 90_000),
    ...compute.map((c) => c.waitForLine(READY_LINE.compute, 90_000)),
  ]);
  const apiUrl = `http://127.0.0.1:${port}`;
  // "Listening" comes before the API's Redis connection is ready (writes answer 503 until then).
  await waitFor('the API to reach Redis', async () => ((await fetch(`${apiUrl}${API}/models`)).ok ? true : undefined), 30_000);
  return { apiUrl, apiKey, api, ingest, compute, env };
}

/** What the HTTP helpers below need of a deployment (a {@link System}, or containers). */
export type ApiTarget = Pick<System, 'apiUrl' | 'apiKey'>;

/** A file to upload: its release name and bytes. */
export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

/** `POST /datasets` (multipart); resolves with the queue-qualified ingest job id. */
export async function upload(system: ApiTarget, files: UploadFile[], mode: 'replace' | 'append' = 'replace'): Promise<string> {
  const form = new FormData();
  form.set('mode', mode);
  for (const f of files) form.append('files', new Blob([Buffer.from(f.bytes)]), f.name);
  const res = await fetch(`${system.apiUrl}${API}/datasets`, { method: 'POST', headers: { 'X-API-Key': system.apiKey }, body: form });
  const body = (await res.json()) as { jobId?: string };
  if (res.status !== 202 || body.jobId === undefined) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
  return body.jobId;
}

/** `POST /models/rebuild`; resolves with the queue-qualified rebuild job id. */
export async function requestRebuildHttp(system: ApiTarget, params: Record<string, number | boolean> = {}): Promise<string> {
  const res = await fetch(`${system.apiUrl}${API}/models/rebuild`, {
    method: 'POST',
    headers: { 'X-API-Key': system.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ params }),
  });
  const body = (await res.json()) as { jobId?: string };
  if (res.status !== 202 || body.jobId === undefined) throw new Error(`rebuild answered ${res.status}: ${JSON.stringify(body)}`);
  return body.jobId;
}

/** A job as `GET /jobs/:id` shows it to the key holder (details included): the contracts' answer. */
export type JobView = JobAnswer;

/** The result of a finished rebuild job, validated with the jobs library's schema (fails naming the job). */
export function rebuildResultOf(job: JobView): RebuildJobResult {
  return decodeJobResult(rebuildResultSchema, job.result, `rebuild job ${job.id}`);
}

/** The report of a finished ingest job, validated with the contracts' schema (fails naming the job). */
export function ingestReportOf(job: JobView): IngestReport {
  return decodeJobResult(ingestReportSchema, job.result, `ingest job ${job.id}`);
}

/** Polls `GET /jobs/:id` until the job completed or failed (or the timeout passes). */
export async function waitForJob(system: ApiTarget, jobId: string, timeoutMs = 90_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  let last: JobView | string = 'no answer';
  while (Date.now() < deadline) {
    const res = await fetch(`${system.apiUrl}${API}/jobs/${jobId}`, { headers: { 'X-API-Key': system.apiKey } }).catch(() => null);
    if (res?.ok) {
      last = jobAnswer.parse(await res.json());
      if (last.state === 'completed' || last.state === 'failed') return last;
    } else if (res) last = `${res.status} ${await res.text()}`;
    await sleep(150);
  }
  throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/** Resolves when `check` returns a value other than undefined; polls every `everyMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
}

/** Promise-based sleep. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
