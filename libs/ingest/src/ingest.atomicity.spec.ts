import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testRedisUrl } from '@movielens/test-support';
import { runIngest, type IngestRequest, type ProgressHook } from './ingest.pipeline';
import { ratingsDat, snapshot, stageUpload, useTestRedis, type FileSet } from './ingest.fixtures';

const t = useTestRedis('atom');

async function ingest(files: FileSet, request: Partial<IngestRequest> & { version: string }, onProgress?: ProgressHook) {
  const uploadId = await stageUpload(t.redis, t.keys, files);
  return runIngest({ redis: t.redis, keys: t.keys, chunkSize: 50 }, { uploadId, mode: 'replace', maxErrors: 0, owner: `job:${request.version}`, ...request }, onProgress);
}

/** Sorted `user:movie=rating` rows of a version. */
async function rows(ver: string): Promise<string[]> {
  const table = await t.datasets.loadRatings(ver);
  return Array.from({ length: table.length }, (_, i) => `${table.users[i]}:${table.movies[i]}=${table.ratings[i]}`).sort();
}

const datasetKeys = (snap: string[]) => snap.filter((k) => !k.includes('{u:'));

describe('ingest atomicity', () => {
  it('a pipeline aborted mid-way leaves the previous dataset current and no staged t.keys; the retry gives exact counts', async () => {
    await ingest({ 'ratings.dat': ratingsDat(100, 10, 10) }, { version: 'v1' });
    const before = datasetKeys(await snapshot(t.redis, t.prefix));
    const uploadId = await stageUpload(t.redis, t.keys, { 'ratings.dat': ratingsDat(5000, 50, 100) });
    const request: IngestRequest = { uploadId, mode: 'replace', maxErrors: 0, version: 'v2', owner: 'job:2' };
    let calls = 0;
    const failing: ProgressHook = () => {
      if (++calls === 2) throw new Error('worker lost');
    };
    await expect(runIngest({ redis: t.redis, keys: t.keys, chunkSize: 50 }, request, failing)).rejects.toThrow('worker lost');
    expect(datasetKeys(await snapshot(t.redis, t.prefix))).toEqual(before);
    const report = await runIngest({ redis: t.redis, keys: t.keys, chunkSize: 50 }, request);
    expect(report.read.ratings).toBe(5000);
    expect((await t.datasets.meta('v2'))!.counts.ratings).toBe(5000);
    expect((await t.datasets.loadRatings('v2')).length).toBe(5000);
  });

  it('a worker killed with SIGKILL while writing leaves the previous dataset current; the retry cleans its keys', async () => {
    await ingest({ 'ratings.dat': ratingsDat(100, 10, 10) }, { version: 'v1' });
    const uploadId = await stageUpload(t.redis, t.keys, { 'ratings.dat': ratingsDat(200_000, 1000, 200) });
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./ingest.child.fixtures.ts', import.meta.url)), testRedisUrl(), t.prefix, uploadId, 'v2', 'job:2'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    // Kill once chunks of the staged version exist (mid-write), not before.
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    for (let i = 0; i < 2000 && (await t.redis.exists(t.keys.datasetRatingsChunk('v2', 10))) === 0; i++) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await t.datasets.currentVersion()).toBe('v1');
    expect(await t.redis.exists(t.keys.datasetRatingsChunk('v2', 10))).toBe(1); // the crash left staged t.keys
    const report = await runIngest({ redis: t.redis, keys: t.keys, chunkSize: 16 }, { uploadId, mode: 'replace', maxErrors: 0, version: 'v2', owner: 'job:2' });
    expect(report.read.ratings).toBe(200_000);
    expect((await t.datasets.loadRatings('v2')).length).toBe(200_000);
    // Exactly v1's and v2's t.keys remain: chunk count from meta, nothing beyond it.
    const chunkKeys = (await t.redis.keys(`${t.prefix}:{d:v2/*`)).length;
    expect(chunkKeys).toBe((await t.datasets.meta('v2'))!.chunks);
    expect(await t.redis.hlen(t.keys.datasetStaging())).toBe(0);
  });

  it('two concurrent appends end equal to applying them one after the other', async () => {
    await ingest({ 'ratings.dat': '1::10::1::100\n2::10::1::101\n' }, { version: 'v1' });
    // Both appends read v1 before either switches (a barrier in their progress hooks).
    let arrive!: () => void;
    let waiting = 2;
    const bothStaged = new Promise<void>((resolve) => (arrive = resolve));
    const barrier: ProgressHook = async (p) => {
      if (p.phase !== 'write') return;
      if (--waiting === 0) arrive();
      await bothStaged;
    };
    const [a, b] = await Promise.all([
      ingest({ 'ratings.dat': '1::10::5::200\n5::11::4::201\n' }, { version: 'va', mode: 'append' }, barrier),
      ingest({ 'ratings.dat': '2::10::3::300\n7::12::2::301\n' }, { version: 'vb', mode: 'append' }, barrier),
    ]);
    const [first, second] = a.parentVersion === 'v1' ? [a, b] : [b, a];
    expect(first.parentVersion).toBe('v1');
    expect(second.parentVersion).toBe(first.datasetVersion); // the loser redid its merge on the winner
    expect(await t.datasets.currentVersion()).toBe(second.datasetVersion);
    expect(await rows(second.datasetVersion)).toEqual(['1:10=5', '2:10=3', '5:11=4', '7:12=2']);
    expect(await t.redis.hlen(t.keys.datasetStaging())).toBe(0);
  });
});
