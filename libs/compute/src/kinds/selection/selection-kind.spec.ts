import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSeededRebuild, type RebuildHarness, type SeededRebuild, syntheticDataset } from '../../../test/fixtures';
import { defaultKinds } from '../registry';
import { runSelectionSync, selectionInfoSchema, type SelectionInfo } from './selection-grid';

// The default selection kind in a real rebuild (real Redis, real compute workers): its fits run
// in their own thread (selection.worker.ts), and what it records equals the same selection run
// inline on the same ratings and parameters.

let h: RebuildHarness;
let seeded: SeededRebuild | undefined;

beforeAll(async () => {
  seeded = await openSeededRebuild('selection-kind');
  h = seeded.h;
}, 60_000);
afterAll(() => seeded?.close());

/** The info without its timings (wall times differ between two runs). */
const untimed = (info: SelectionInfo) => ({ ...info, grid: info.grid.map(({ ms: _ms, fitMs: _fitMs, ...g }) => g) });

describe('the selection kind in the rebuild', () => {
  it('records the grid, the tuned parameters and the winner, equal to the selection run inline', async () => {
    const params = { k: 4, parts: 2, mf: false, seed: 9 };
    await h.rebuild(params);
    const set = (await h.models.meta((await h.models.currentVersion())!))!;
    const meta = (await h.models.kindMeta(set.kinds!.selection.version))!;
    const info = selectionInfoSchema.parse(meta.info);
    expect(meta.timings.selection).toBeGreaterThan(0);
    const inline = runSelectionSync(syntheticDataset().ratings, defaultKinds.kinds, defaultKinds.parseParams(params), { seed: 9, now: () => 0 });
    expect(untimed(info)).toEqual(untimed(inline));
    expect(new Set(info.grid.map((g) => g.kind))).toEqual(new Set(['svd', 'ease', 'rp3beta', 'ials']));
    expect(info.winner).not.toBeNull();
  }, 120_000);
});
