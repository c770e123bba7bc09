import type { ModelSnapshot } from './model-snapshot';

/** The algorithm served when a request names none and the set has no model selection: the original method's stored lists. */
export const FALLBACK_ALGORITHM = 'puresvd';

/** The default `algorithm` of recommendations in the served set. */
export async function defaultAlgorithm(snap: ModelSnapshot): Promise<string> {
  return snap.memo('default-algorithm', async () => FALLBACK_ALGORITHM);
}
