/**
 * The tuned parameters a served set's model selection recorded, as build parameters: what the
 * rebuild trains the ranking kinds with where no request set a value explicitly.
 */
import type { ModelMeta, ModelStore } from '@movielens/store';
import type { ModelKind } from '../model-kind';
import { SELECTION_KIND, selectionInfoSchema } from './selection-grid';

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
export async function servedTuning(models: Pick<ModelStore, 'kindMeta'>, set: ModelMeta | null): Promise<ServedTuning | null> {
  const ref = set?.kinds?.[SELECTION_KIND];
  if (ref === undefined) return null;
  const meta = await models.kindMeta(ref.version);
  const info = selectionInfoSchema.safeParse(meta?.info);
  if (meta === null || !info.success) return null;
  return { params: Object.assign({}, ...Object.values(info.data.tuned)), datasetVersion: meta.datasetVersion, version: ref.version };
}

/** Every parameter some kind's `tuning` grid covers (selection decides them unless a request sets them). */
export function tunedKeys(kinds: readonly ModelKind[]): Set<string> {
  return new Set(kinds.flatMap((k) => Object.keys(k.tuning ?? {})));
}
