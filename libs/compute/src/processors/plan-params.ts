/** Assembles a build's parameters from Redis: the recipe, the served selection's tuned values. */
import type { RebuildJobData } from '@movielens/jobs';
import type { ModelLifecycle, ModelMeta, ModelStore } from '@movielens/store';
import type { BuildParams } from '../kinds/model-kind';
import type { KindRegistry } from '../kinds/registry';
import { servedTuning } from '../kinds/selection/selection-tuned';
import { explicitParams, legacyRecipe, withTuned, type ExplicitParams } from './build-params';

/** A build's parameters and where they came from. */
export interface PlannedParams {
  /** Full parameters (explicit, then tuned, then defaults). */
  params: BuildParams;
  /** Those set explicitly (by the request or the inherited recipe). */
  explicit: ExplicitParams;
}

/**
 * The parameters a rebuild of `trigger` with `requested` trains with, given the served set
 * `served`: the recipe it inherits (`P:model:recipe`, else the served set's untuned parameters)
 * and the served selection's tuned values (see build-params.ts).
 */
export async function planParams(
  registry: KindRegistry,
  stores: { models: Pick<ModelStore, 'kindMeta'>; lifecycle: Pick<ModelLifecycle, 'recipe'> },
  trigger: RebuildJobData['trigger'],
  requested: RebuildJobData['params'],
  served: ModelMeta | null,
): Promise<PlannedParams> {
  const recipe = (await stores.lifecycle.recipe()) ?? legacyRecipe(registry, served?.params);
  const explicit = explicitParams(registry, trigger, requested, recipe);
  const tuning = await servedTuning(stores.models, served, registry.kinds);
  return { params: withTuned(registry, explicit, tuning?.params ?? null), explicit };
}
