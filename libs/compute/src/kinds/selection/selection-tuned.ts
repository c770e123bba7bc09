/**
 * The tuned parameters a served set's model selection recorded, as build parameters: what the
 * rebuild trains the ranking kinds with where no request set a value explicitly.
 */
import type { ModelMeta, ModelStore } from '@movielens/store';
import type { ModelKind } from '../model-kind';
import { LIKED_KEY, SELECTION_KIND, selectionInfoSchema } from './selection-grid';

/** The served selection's tuned parameters. */
export interface ServedTuning {
  /** Every competing kind's best grid point, merged into one set of build parameters (grid keys are distinct across kinds). */
  params: Record<string, number>;
  /** Dataset version the selection was run on. */
  datasetVersion: string;
  /** The selection kind version. */
  version: string;
}

/**
 * The tuned parameters of the selection served in `set`; null when the set has none or its record
 * does not validate (then defaults apply: a bad record must not stop a rebuild).
 */
export async function servedTuning(models: Pick<ModelStore, 'kindMeta'>, set: ModelMeta | null, kinds: readonly ModelKind[]): Promise<ServedTuning | null> {
  const ref = set?.kinds?.[SELECTION_KIND];
  if (ref === undefined) return null;
  const meta = await models.kindMeta(ref.version);
  const info = selectionInfoSchema.safeParse(meta?.info);
  if (meta === null || !info.success) return null;
  // Only the kinds that train with their tuned values (not svd: see ModelKind.trainsTuned).
  const trains = new Set(kinds.filter((k) => k.trainsTuned !== false).map((k) => k.name));
  // The liked weight is applied when serving, not trained: it is not a build parameter.
  const tuned = Object.entries(info.data.tuned).filter(([kind]) => trains.has(kind)).map(([, params]) => withoutLiked(params));
  return { params: Object.assign({}, ...tuned), datasetVersion: meta.datasetVersion, version: ref.version };
}

/** Every parameter selection decides for a kind that trains with it (unless a request sets it). */
export function tunedKeys(kinds: readonly ModelKind[]): Set<string> {
  return new Set(kinds.filter((k) => k.trainsTuned !== false).flatMap((k) => Object.keys(k.tuning ?? {})));
}

/** `params` without the liked weight (a serving setting, not a kind's build parameter). */
export function withoutLiked(params: Readonly<Record<string, number>>): Record<string, number> {
  const { [LIKED_KEY]: _liked, ...rest } = params;
  return rest;
}

/** The tuned liked weight of `kind` in a selection's `tuned` record; 0 when it has none. */
export function likedWeightOf(tuned: Readonly<Record<string, Readonly<Record<string, number>>>>, kind: string): number {
  return tuned[kind]?.[LIKED_KEY] ?? 0;
}
