import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelMeta } from '@movielens/store';
import { openSeededRebuild, type RebuildHarness, type SeededRebuild, waitFor } from '../../../test/fixtures';
import { defaultKinds } from '../registry';
import { selectionInfoSchema, type SelectionInfo } from './selection-grid';
import { withoutLiked } from './selection-tuned';

// Model selection's follow-up in a real rebuild (real Redis, two real compute workers): the
// ranking kinds are first trained with the defaults (nothing was tuned yet, and svd must not wait
// for selection); once selection publishes, one `selection`-triggered rebuild retrains those whose
// parameters differ from the tuned ones. The expected values are the selection's own record.

let h: RebuildHarness;
const base = { parts: 2, mf: false, seed: 9 };
let seeded: SeededRebuild | undefined;

beforeAll(async () => {
  seeded = await openSeededRebuild('selection-retrain');
  h = seeded.h;
}, 60_000);
afterAll(() => seeded?.close());

async function served(): Promise<ModelMeta> {
  return (await h.models.meta((await h.models.currentVersion())!))!;
}

async function selectionOf(set: ModelMeta): Promise<SelectionInfo> {
  return selectionInfoSchema.parse((await h.models.kindMeta(set.kinds!.selection.version))!.info);
}

/** Kinds that train with their tuned values (not svd: its k also shapes the served similar movies). */
const trainsTuned = new Set(defaultKinds.kinds.filter((k) => k.trainsTuned !== false).map((k) => k.name));

/** True when every tuned kind that trains with its tuned values has them (`want(kind)`) in its served version. */
async function servedWith(want: (kind: string, tuned: Record<string, number>) => Record<string, number>): Promise<boolean> {
  const set = await served();
  if (set.kinds?.selection === undefined) return false;
  const info = await selectionOf(set);
  // The liked weight is a serving setting, not a build parameter: the kinds' params do not carry it.
  return Object.entries(info.tuned).filter(([kind]) => trainsTuned.has(kind)).every(([kind, tuned]) => Object.entries(want(kind, withoutLiked(tuned))).every(([key, v]) => set.kinds?.[kind]?.params[key] === v));
}

/** Rebuild jobs of trigger `selection`, in any state. */
async function followUps(): Promise<Job[]> {
  const jobs = await h.queue.getJobs(['active', 'waiting', 'delayed', 'waiting-children', 'completed', 'failed', 'prioritized']);
  return jobs.filter((j) => j.data.trigger === 'selection');
}

/** Waits until no rebuild job is pending and none was added for `quietMs`. */
async function settled(quietMs: number): Promise<void> {
  const idle = async () => Object.values(await h.queue.getJobCounts('active', 'waiting', 'delayed', 'waiting-children', 'prioritized')).every((n) => n === 0);
  await waitFor(idle, 'no pending rebuild', 120_000);
  const before = (await h.queue.getJobs(['completed', 'failed'])).length;
  await new Promise((r) => setTimeout(r, quietMs));
  expect(await idle()).toBe(true);
  expect((await h.queue.getJobs(['completed', 'failed'])).length).toBe(before);
}

describe("model selection's tuned parameters in the rebuild", () => {
  it('a first rebuild serves svd at once with the defaults, then one follow-up retrains the ranking kinds with the tuned values', async () => {
    const result = await h.rebuild(base);
    const defaults = defaultKinds.parseParams(base);
    // svd was trained in the first rebuild with the default k (no tuning existed yet).
    expect((await h.models.kindMeta(result.kinds.svd.version))!.params.k).toBe(defaults.k);
    await waitFor(() => servedWith((_kind, tuned) => tuned), 'the ranking kinds served with their tuned parameters', 120_000);
    await settled(3000);
    const set = await served();
    const info = await selectionOf(set);
    expect(Object.keys(info.tuned).sort()).toEqual(['ease', 'ials', 'rp3beta', 'svd']);
    // The follow-up had work to do: some tuned value differs from its default on this data.
    const differing = Object.entries(info.tuned).filter(([kind]) => trainsTuned.has(kind)).flatMap(([, t]) => Object.entries(withoutLiked(t)).filter(([key, v]) => defaults[key] !== v));
    expect(differing.length).toBeGreaterThan(0);
    // svd competes but keeps its k (the served similar movies are the original method's).
    expect(set.kinds!.svd.params.k).toBe(defaults.k);
    const jobs = await followUps();
    expect(jobs.length).toBeGreaterThanOrEqual(1);
    // A follow-up's own kinds match the tuning, so they request none: at most one per tuned kind
    // that published stale after selection (usually all within one debounce window: one or two;
    // on a loaded machine their publications can straddle windows), never a cascade.
    const retrainable = Object.keys(info.tuned).filter((kind) => trainsTuned.has(kind)).length;
    expect(jobs.length).toBeLessThanOrEqual(retrainable);
    expect(jobs.every((j) => j.returnvalue !== null && j.finishedOn !== undefined && j.failedReason === undefined)).toBe(true);
    // Selection itself was not run again by its follow-up.
    expect(jobs.every((j) => (j.returnvalue as { kinds: Record<string, unknown> }).kinds.selection === undefined)).toBe(true);
  }, 240_000);

  it('an explicit value wins over the tuned one, and nothing is retrained after', async () => {
    const selectionBefore = (await served()).kinds!.selection.version;
    const jobsBefore = (await followUps()).length;
    // 333 is on no grid: the served ease must carry it, every other kind its tuned values.
    const result = await h.rebuild({ ...base, easeLambda: 333 });
    expect(Object.keys(result.kinds)).toEqual(['ease']);
    await settled(3000);
    expect(await servedWith((kind, tuned) => (kind === 'ease' ? { easeLambda: 333 } : tuned))).toBe(true);
    expect((await served()).kinds!.selection.version).toBe(selectionBefore);
    expect((await followUps()).length).toBe(jobsBefore);
  }, 240_000);
});
