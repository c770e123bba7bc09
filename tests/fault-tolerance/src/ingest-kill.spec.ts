import { afterEach, describe, expect, it } from 'vitest';
import { createFixture, versionsInKeys, type Fixture } from './harness/fixture';
import { syntheticDump } from './harness/datasets';
import { AppScript, READY_LINE } from './harness/processes';
import { startSystem, upload, waitFor, waitForJob } from './harness/system';

/** Lock duration and stall check of the workers in this test, ms (production default 30,000). */
const STALL_MS = 2000;

describe('kill -9 of the ingest worker during an ingest', () => {
  let fx: Fixture;
  afterEach(async () => fx.cleanup());

  it('never exposes a partial dataset, and the retry on a new worker completes with exact counts', async () => {
    fx = createFixture();
    const system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 0, env: { STALLED_INTERVAL_MS: String(STALL_MS) } });
    const small = syntheticDump({ ratings: 5_000, users: 100, movies: 200, seed: 1 });
    expect((await waitForJob(system, await upload(system, small.files))).state).toBe('completed');
    const before = (await fx.datasets.currentVersion())!;

    // Watch the pointer as a reader would: every version it ever names must be complete.
    const seen = new Map<string, number | null>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const ver = await fx.datasets.currentVersion();
        if (ver !== null && !seen.has(ver)) seen.set(ver, (await fx.datasets.meta(ver))?.counts.ratings ?? null);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const big = syntheticDump({ ratings: 600_000, users: 3000, movies: 2000, seed: 2 });
    const jobId = await upload(system, big.files);
    // Kill once the new version is being written (registered in dataset:staging).
    await waitFor('the ingest to start writing', async () => ((await fx.redis.hlen(fx.keys.datasetStaging())) > 0 ? true : undefined), 60_000, 2);
    await system.ingest!.kill('SIGKILL');
    expect(await fx.datasets.currentVersion()).toBe(before);

    const replacement = fx.procs.node('ingest-2', AppScript.ingest, { env: system.env });
    await replacement.waitForLine(READY_LINE.ingest, 60_000);
    const job = await waitForJob(system, jobId, 120_000);
    watching = false;
    await watcher;

    expect(job.state, `${job.failedReason}\n${fx.procs.logs()}`).toBe('completed');
    expect(replacement.lines.some((l) => l.includes('ingest done')), replacement.tail()).toBe(true);
    const current = (await fx.datasets.currentVersion())!;
    const meta = (await fx.datasets.meta(current))!;
    expect(meta.counts.ratings).toBe(big.ratings);
    expect(meta.counts.users).toBe(big.users);
    expect(meta.counts.movies).toBe(big.movies);
    expect((await fx.datasets.loadRatings(current)).length).toBe(big.ratings);
    // The pointer only ever named the old complete version and the new complete one.
    expect([...seen.keys()]).toEqual([before, current]);
    expect(seen.get(before)).toBe(small.ratings);
    expect(seen.get(current)).toBe(big.ratings);
    // Nothing the killed attempt wrote is left behind: no staging record, no keys of unlisted versions.
    expect(await fx.redis.hlen(fx.keys.datasetStaging())).toBe(0);
    const listed = new Set((await fx.datasets.listVersions()).map((v) => v.version));
    expect((await versionsInKeys(fx, 'd')).filter((v) => !listed.has(v))).toEqual([]);
  });
});
