/**
 * Model selection's follow-up: once the served set has a selection for the current dataset, the
 * served ranking kinds must end up trained with its tuned parameters. Selection runs beside the
 * other kinds (svd is served without waiting for it), so a kind published before it, or after it
 * with the previous tuning, is stale; one debounced `selection`-triggered rebuild retrains just
 * those (the rest are current). It cannot loop: selection's own parameters do not include the
 * tuned ones, so it is current in that rebuild, and kinds trained with the tuned values match.
 */
import { requestRebuild } from '@movielens/jobs';
import type { DatasetStore, KindMeta, ModelLifecycle, ModelStore } from '@movielens/store';
import type { ComputeDeps } from '../compute.deps';
import { competingKinds, SELECTION_KIND } from '../kinds/selection/selection-grid';
import { servedTuning } from '../kinds/selection/selection-tuned';
import { sameParams } from './job-helpers';
import { planParams } from './plan-params';

/** Debounce of the follow-up rebuild, ms: kinds publishing within it share one follow-up. */
export const TUNED_RETRAIN_DEBOUNCE_MS = 1500;

/** Deduplication id of the follow-up (never replaces an operator's request, id `rebuild`). */
export const TUNED_RETRAIN_DEDUP_ID = 'rebuild-selection';

/** The stores the check reads. */
export interface TunedRetrainStores {
  models: ModelStore;
  lifecycle: ModelLifecycle;
  datasets: DatasetStore;
}

/**
 * After kind version `published` was published: the served ranking kinds whose parameters differ
 * from the served selection's tuned ones (explicit values still win). A selection checks every
 * competing kind; a ranking kind checks only itself. Empty when the served selection is for
 * another dataset (the rebuild of the current one brings its own), or the build turned it off
 * (`selectionRetrain: false`).
 */
export async function staleTunedKinds(deps: Pick<ComputeDeps, 'registry'>, stores: TunedRetrainStores, published: KindMeta): Promise<string[]> {
  const servedVer = await stores.models.currentVersion();
  const served = servedVer === null ? null : await stores.models.meta(servedVer);
  const tuning = await servedTuning(stores.models, served, deps.registry.kinds);
  if (served === null || tuning === null || tuning.datasetVersion !== (await stores.datasets.currentVersion())) return [];
  const { params } = await planParams(deps.registry, stores, 'selection', {}, served);
  if (params.selectionRetrain === false) return [];
  const candidates = competingKinds(deps.registry.kinds, params).filter((k) => k.trainsTuned !== false && (published.kind === SELECTION_KIND || k.name === published.kind));
  return candidates
    .filter((kind) => {
      const ref = served.kinds?.[kind.name];
      return ref !== undefined && ref.datasetVersion === tuning.datasetVersion && !sameParams(ref.params, deps.registry.paramsOf(kind, params));
    })
    .map((k) => k.name);
}

/** Queues the follow-up rebuild when {@link staleTunedKinds} names any; returns those kinds. */
export async function requestTunedRetrain(deps: Pick<ComputeDeps, 'registry' | 'rebuildQueue'>, stores: TunedRetrainStores, published: KindMeta): Promise<string[]> {
  const stale = await staleTunedKinds(deps, stores, published);
  if (stale.length > 0) {
    await requestRebuild(deps.rebuildQueue, { trigger: 'selection', datasetVersion: published.datasetVersion }, { debounceMs: TUNED_RETRAIN_DEBOUNCE_MS, deduplicationId: TUNED_RETRAIN_DEDUP_ID });
  }
  return stale;
}
