import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestRebuild } from '@movielens/jobs';
import { openRebuildHarness, type RebuildHarness, seedDataset, startInProcessWorkers, syntheticDataset, waitFor } from '../../test/fixtures';
import type { ComputeWorkers } from '../compute-workers';
import type { RebuildResult } from '../processors/rebuild.processor';
import { lstmKind } from './lstm/lstm.kind';
import type { ModelKind } from './model-kind';
import { DEFAULT_KINDS, KindRegistry } from './registry';

// A slow kind never holds back the others (real workers, real Redis): while an LSTM trains on the
// old data, an upload's svd and analytics are served as soon as they are built; the old LSTM then
// joins the served set, and the LSTM of the new data replaces it when ready.

let h: RebuildHarness;
const workers: ComputeWorkers[] = [];

beforeEach(async () => {
  h = await openRebuildHarness('kind-lifecycle');
  await seedDataset(h.redis, h.keys, 'd1');
});
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
  await h.close();
});

/** The default kinds with an LSTM whose training waits at a gate until `open()`. */
function slowLstm(): { registry: KindRegistry; open(): void; started(): number } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let started = 0;
  const gated: ModelKind = {
    ...lstmKind,
    async train(ctx) {
      started++;
      await gate;
      return lstmKind.train(ctx);
    },
  };
  return { registry: new KindRegistry(DEFAULT_KINDS.map((k) => (k.name === 'lstm' ? gated : k))), open, started: () => started };
}

/** The served set's kinds: kind -> dataset version of its served version. */
async function servedData(): Promise<Record<string, string>> {
  const ver = await h.models.currentVersion();
  const meta = ver === null ? null : await h.models.meta(ver);
  return Object.fromEntries(Object.entries(meta?.kinds ?? {}).map(([kind, ref]) => [kind, ref.datasetVersion]));
}

describe('per-kind lifecycle with real workers', () => {
  it('serves an upload\'s svd and analytics while the LSTM of the old data still trains, then swaps the LSTMs in as they finish', async () => {
    const slow = slowLstm();
    // Two worker processes' worth of slots: the LSTM holds one while the rest of the work goes on.
    workers.push(await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { registry: slow.registry, shardConcurrency: 3 }));
    const params = { k: 3, parts: 2, mf: false, lstm: true, lstmEpochs: 1, lstmThreads: 1 };
    const first = await requestRebuild(h.queue, { trigger: 'cli', params }, { debounceMs: 0 });
    await waitFor(async () => slow.started() === 1 && (await servedData()).svd === 'd1' && (await servedData()).analytics === 'd1', 'svd and analytics of d1 served while the LSTM trains');
    expect((await servedData()).lstm).toBeUndefined();

    // An upload: new data, and the rebuild an ingest asks for (it inherits lstm: true).
    await seedDataset(h.redis, h.keys, 'd2', syntheticDataset({ users: 70, movies: 50, perUser: 20, seed: 5 }));
    const second = await requestRebuild(h.queue, { trigger: 'ingest', datasetVersion: 'd2' }, { debounceMs: 0 });
    await waitFor(async () => (await servedData()).svd === 'd2' && (await servedData()).analytics === 'd2', 'svd and analytics of d2 served while the old LSTM still trains');
    // The LSTM of d1 is still at the gate, the one of d2 waits for the lstm lock: no LSTM is served yet.
    expect(slow.started()).toBe(1);
    expect((await servedData()).lstm).toBeUndefined();
    const setMeta = (await h.models.meta((await h.models.currentVersion())!))!;
    expect(setMeta.datasetVersion).toBe('d2');

    const seen: Record<string, string>[] = [];
    slow.open();
    await waitFor(async () => {
      seen.push(await servedData());
      return (await servedData()).lstm === 'd2';
    }, 'the LSTM of d2 to be served', 60_000);
    const [r1, r2] = (await Promise.all([first.waitUntilFinished(h.events, 60_000), second.waitUntilFinished(h.events, 60_000)])) as RebuildResult[];
    // The old data's LSTM was published (into a set beside the new svd: mixed data versions), then the new one.
    expect(r1.kinds.lstm).toMatchObject({ outcome: 'published', datasetVersion: 'd1' });
    expect(r2.kinds.lstm).toMatchObject({ outcome: 'published', datasetVersion: 'd2' });
    const mixed = await h.models.meta(r1.kinds.lstm.modelVersion!);
    expect(mixed?.kinds?.lstm.datasetVersion).toBe('d1');
    expect(mixed?.kinds?.svd.datasetVersion).toBe('d2');
    expect(await servedData()).toMatchObject({ svd: 'd2', analytics: 'd2', lstm: 'd2' });
    expect(seen.every((s) => s.svd === 'd2')).toBe(true);
  });

  it("an upload's required kinds train first: optional kinds start their training only once svd is built", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let svdStarted = false;
    const optionalStarts: { kind: string; svdServed: boolean }[] = [];
    const kinds = DEFAULT_KINDS.map((k): ModelKind => {
      if (k.name === 'svd') {
        return {
          ...k,
          async train(ctx) {
            svdStarted = true;
            await gate;
            return k.train(ctx);
          },
        };
      }
      if (k.required) return k;
      return {
        ...k,
        async train(ctx) {
          optionalStarts.push({ kind: k.name, svdServed: (await servedData()).svd === 'd1' });
          return k.train(ctx);
        },
      };
    });
    // Room for every kind job at once: without the rule the optional kinds would train beside svd.
    workers.push(await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { registry: new KindRegistry(kinds), shardConcurrency: 6 }));
    const job = await requestRebuild(h.queue, { trigger: 'cli', params: { k: 3, parts: 2, mf: false, selection: false } }, { debounceMs: 0 });
    await waitFor(async () => svdStarted, 'svd training');
    // Several retry periods of the waiting kinds (1 s each): none of them trains meanwhile.
    await new Promise((r) => setTimeout(r, 3000));
    expect(optionalStarts).toEqual([]);
    open();
    const result = (await job.waitUntilFinished(h.events, 90_000)) as RebuildResult;
    const optional = Object.keys(result.kinds).filter((name) => !DEFAULT_KINDS.find((k) => k.name === name)!.required);
    expect(optional.length).toBeGreaterThan(0);
    expect(optionalStarts.map((s) => s.kind).sort()).toEqual(optional.sort());
    // Each started once svd was built: served (or, within the same moment, published with it).
    expect(optionalStarts.every((s) => s.svdServed)).toBe(true);
  });
});
