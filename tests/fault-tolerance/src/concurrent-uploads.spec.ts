import { afterEach, describe, expect, it } from 'vitest';
import type { RatingTable } from '@movielens/core';
import { createFixture, type Fixture } from './harness/fixture';
import { fileOf, linesOf, syntheticDump } from './harness/datasets';
import { AppScript, READY_LINE } from './harness/processes';
import { ingestReportOf, startSystem, upload, waitForJob, type System } from './harness/system';

/** (user, movie) -> rating, keyed `user:movie`. */
type RatingMap = Map<string, number>;

function mapOfLines(lines: string[]): RatingMap {
  const map: RatingMap = new Map();
  for (const line of lines) {
    const [u, m, r] = line.split('\t');
    map.set(`${u}:${m}`, Number(r));
  }
  return map;
}

function mapOfTable(t: RatingTable): RatingMap {
  const map: RatingMap = new Map();
  for (let i = 0; i < t.length; i++) {
    const key = `${t.users[i]}:${t.movies[i]}`;
    if (map.has(key)) throw new Error(`rating ${key} stored twice`);
    map.set(key, t.ratings[i]);
  }
  return map;
}

/**
 * Two append dumps over the base: each re-rates 200 existing pairs and adds 200 new ones;
 * the two touch disjoint pairs, so any order of application gives the same result.
 */
function appendDumps(base: RatingMap, users: number, movies: number): [string[], string[]] {
  const existing = [...base.keys()];
  const fresh: string[] = [];
  for (let u = 1; u <= users && fresh.length < 400; u++) {
    for (let m = 1; m <= movies && fresh.length < 400; m += 7) if (!base.has(`${u}:${m}`)) fresh.push(`${u}:${m}`);
  }
  const line = (pair: string, rating: number) => `${pair.replace(':', '\t')}\t${rating}\t978300000`;
  const a = [...existing.slice(0, 200).map((p) => line(p, (base.get(p)! % 5) + 1)), ...fresh.slice(0, 200).map((p) => line(p, 5))];
  const b = [...existing.slice(200, 400).map((p) => line(p, (base.get(p)! % 5) + 1)), ...fresh.slice(200, 400).map((p) => line(p, 1))];
  return [a, b];
}

describe('concurrent and repeated uploads', () => {
  let fx: Fixture;
  afterEach(async () => fx.cleanup());

  async function currentRatings(): Promise<RatingMap> {
    return mapOfTable(await fx.datasets.loadRatings((await fx.datasets.currentVersion())!));
  }

  it('the same dump twice counts once; two appends at once on two workers equal their sequential application', async () => {
    fx = createFixture();
    const system: System = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 0 });
    const second = fx.procs.node('ingest-2', AppScript.ingest, { env: system.env });
    await second.waitForLine(READY_LINE.ingest);
    const dump = syntheticDump({ ratings: 8_000, users: 200, movies: 300 });
    const baseLines = linesOf(dump.files.find((f) => f.name === 'u.data')!);
    const base = mapOfLines(baseLines);

    // The same full dump, twice at once: one new version, the other ingest finds it unchanged (or, when
    // both started from no dataset, the second replaces the first with identical content).
    const twice = await Promise.all([upload(system, dump.files), upload(system, dump.files)].map(async (id) => waitForJob(system, await id)));
    expect(twice.map((j) => j.state)).toEqual(['completed', 'completed']);
    expect(await currentRatings()).toEqual(base);
    const afterBase = await fx.datasets.currentVersion();
    const again = await waitForJob(system, await upload(system, dump.files));
    expect(ingestReportOf(again).unchanged).toBe(true);
    expect(await fx.datasets.currentVersion()).toBe(afterBase);

    // Two different appends at once, and one of them a second time.
    const [a, b] = appendDumps(base, dump.users, dump.movies);
    const jobs = await Promise.all(
      [fileOf('u.data', a), fileOf('u.data', b), fileOf('u.data', a)].map(async (file) => waitForJob(system, await upload(system, [file], 'append'))),
    );
    expect(jobs.map((j) => `${j.state} ${j.failedReason ?? ''}`.trim())).toEqual(['completed', 'completed', 'completed']);
    const expected = new Map([...base, ...mapOfLines(a), ...mapOfLines(b)]);
    const actual = await currentRatings();
    expect(actual.size).toBe(expected.size);
    expect(actual).toEqual(expected);
    const meta = (await fx.datasets.meta((await fx.datasets.currentVersion())!))!;
    expect(meta.counts.ratings).toBe(base.size + 400);
    // Both ingest workers took part: the concurrency was real.
    expect(second.lines.some((l) => l.includes('ingest done')) && system.ingest!.lines.some((l) => l.includes('ingest done'))).toBe(true);
  });
});
