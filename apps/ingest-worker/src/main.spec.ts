import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import type { Job } from 'bullmq';
import { deleteKeysMatching, testPrefix, testRedisUrl } from '@movielens/test-support';
// Brings the `redisUrl` ProvidedContext type that test-support's inject() relies on.
import type {} from '@movielens/test-support/global-setup';
import { createQueue, createQueueEvents, enqueueIngest, ingestReportSchema, QueueName, type IngestJobData, type IngestJobResult } from '@movielens/jobs';
import { DatasetStore, KeySchema, UploadStore } from '@movielens/store';

// The real worker process (main.ts) in a child, driven only through Redis, as in production.
let connection: Redis;
let prefix: string;
let keys: KeySchema;
let child: ChildProcess;

/** Stages files: text as Latin-1 bytes (like .dat files), or raw bytes. */
async function upload(files: Record<string, string | Buffer>): Promise<string> {
  const uploads = new UploadStore(connection, keys);
  const id = await uploads.create();
  for (const [name, text] of Object.entries(files)) await uploads.stageFile(id, name, (async function* () {
    yield typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  })());
  return id;
}

beforeAll(async () => {
  connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  prefix = testPrefix('iw');
  keys = new KeySchema(prefix);
  child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./main.ts', import.meta.url))], {
    env: { ...process.env, REDIS_URL: testRedisUrl(), KEY_PREFIX: prefix, LOG_LEVEL: 'info', REBUILD_DEBOUNCE_MS: '3000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ingest worker ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
  });
});
afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await deleteKeysMatching(connection, prefix);
  await connection.quit();
});

describe('ingest-worker process', () => {
  it('processes a burst of 3 queued ingests and requests a single rebuild', async () => {
    const queue = createQueue<IngestJobData, IngestJobResult>(QueueName.ingest, { connection, keyPrefix: prefix });
    const events = createQueueEvents(QueueName.ingest, { connection, keyPrefix: prefix });
    await events.waitUntilReady();
    const jobs: Job[] = [];
    jobs.push(await enqueueIngest(queue, { uploadId: await upload({ 'ratings.dat': '1::1::5::1\n2::1::3::2\n' }) }));
    jobs.push(await enqueueIngest(queue, { uploadId: await upload({ 'ratings.dat': '3::2::4::3\n' }), mode: 'append' }));
    jobs.push(await enqueueIngest(queue, { uploadId: await upload({ 'ratings.dat': '1::2::2::4\n' }), mode: 'append' }));
    const results = (await Promise.all(jobs.map((j) => j.waitUntilFinished(events)))) as IngestJobResult[];
    expect(results.map((r) => r.unchanged)).toEqual([false, false, false]);
    const datasets = new DatasetStore(connection, keys);
    expect(await datasets.currentVersion()).toBe(results[2].datasetVersion);
    expect((await datasets.meta(results[2].datasetVersion))!.counts.ratings).toBe(4);
    const rebuild = createQueue(QueueName.rebuild, { connection, keyPrefix: prefix });
    const counts = await rebuild.getJobCounts('delayed', 'waiting', 'active', 'completed', 'failed');
    expect(counts.delayed + counts.waiting + counts.active + counts.completed + counts.failed).toBe(1);
    const [pending] = await rebuild.getJobs(['delayed', 'waiting']);
    expect(pending.data).toMatchObject({ trigger: 'ingest', datasetVersion: results[2].datasetVersion });
    expect(await connection.keys(`${prefix}:{u:*`)).toEqual([]); // uploads deleted after ingest
    await Promise.all([events.close(), queue.close(), rebuild.close()]);
  });

  it('fails bad input at once (no retry) with the reason, and deletes the upload', async () => {
    const queue = createQueue<IngestJobData, IngestJobResult>(QueueName.ingest, { connection, keyPrefix: prefix });
    const events = createQueueEvents(QueueName.ingest, { connection, keyPrefix: prefix });
    await events.waitUntilReady();
    const before = await new DatasetStore(connection, keys).currentVersion();
    const job = await enqueueIngest(queue, { uploadId: await upload({ 'ratings.dat': '1::1::5::1\n1::2::9::2\n' }) });
    await expect(job.waitUntilFinished(events)).rejects.toThrow(/ratings\.dat.*line 2: rating 9 is outside/);
    const failed = (await queue.getJob(job.id!))!;
    expect(failed.attemptsMade).toBe(1);
    expect(await connection.keys(`${prefix}:{u:*`)).toEqual([]);
    expect(await new DatasetStore(connection, keys).currentVersion()).toBe(before);
    await Promise.all([events.close(), queue.close()]);
  });

  it('reads a UTF-8 movies.dat as UTF-8 end to end, and says so in a job result the report schema accepts', async () => {
    const queue = createQueue<IngestJobData, IngestJobResult>(QueueName.ingest, { connection, keyPrefix: prefix });
    const events = createQueueEvents(QueueName.ingest, { connection, keyPrefix: prefix });
    await events.waitUntilReady();
    const movies = Buffer.from('1::Misérables, Les (1995)::Drama|Musical\n2::Amélie (2001)::Comedy|Romance\n', 'utf8');
    const job = await enqueueIngest(queue, { uploadId: await upload({ 'ratings.dat': '1::1::5::1\n2::2::4::2\n', 'movies.dat': movies }) });
    const result = ingestReportSchema.parse(await job.waitUntilFinished(events));
    expect(result.files.map((f) => `${f.name} ${f.encoding}`)).toEqual(['ratings.dat ascii', 'movies.dat utf-8']);
    expect((await new DatasetStore(connection, keys).getMovie(result.datasetVersion, 1))!.title).toBe('Misérables, Les');
    await Promise.all([events.close(), queue.close()]);
  });

  it('closes cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
