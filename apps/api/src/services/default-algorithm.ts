import { SELECTION_KIND, selectionInfoSchema, type SelectionInfo } from '@movielens/compute';
import type { ModelSnapshot } from './model-snapshot';

/** The algorithm served when a request names none and the set has no model selection: the original method's stored lists. */
export const FALLBACK_ALGORITHM = 'puresvd';

/**
 * The served set's model selection (grid, scores, winner); null when the set has none or its meta
 * does not parse. Validated once per set version (every recommendation request reads it).
 */
export function servedSelection(snap: ModelSnapshot): Promise<SelectionInfo | null> {
  return snap.memo('selection', async () => {
    const info = selectionInfoSchema.safeParse(await snap.kindInfo(SELECTION_KIND));
    return info.success ? info.data : null;
  });
}

/**
 * The default `algorithm` of recommendations in the served set: the model selection's winner
 * when the set has a selection and serves the winning kind, else {@link FALLBACK_ALGORITHM}.
 * The winner is recorded by the compute workers' registry, the one the API serves.
 */
export async function defaultAlgorithm(snap: ModelSnapshot): Promise<string> {
  const winner = (await servedSelection(snap))?.winner ?? null;
  return winner !== null && snap.source(winner.kind) !== null ? winner.algorithm : FALLBACK_ALGORITHM;
}
