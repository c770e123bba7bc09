import type { Algorithm } from './algorithm';
import { baseline, globalMean, movieMean, popularity } from './baselines';
import { mfAlgorithm, pureSvd } from './model-algorithms';

/** Names accepted by `algorithmsByName`, in the order results are listed by default. */
export const ALGORITHM_NAMES = ['global-mean', 'movie-mean', 'popularity', 'baseline', 'puresvd', 'mf'] as const;

/** One of `ALGORITHM_NAMES`. */
export type AlgorithmName = (typeof ALGORITHM_NAMES)[number];

/** True when `name` is a known algorithm name. */
export function isAlgorithmName(name: string): name is AlgorithmName {
  return (ALGORITHM_NAMES as readonly string[]).includes(name);
}

/** The algorithms with these names, in the given order (default: all, in `ALGORITHM_NAMES` order). */
export function algorithmsByName(names: readonly AlgorithmName[] = ALGORITHM_NAMES): Algorithm[] {
  const byName: Record<AlgorithmName, () => Algorithm> = {
    'global-mean': () => globalMean,
    'movie-mean': () => movieMean,
    popularity: () => popularity,
    baseline: () => baseline,
    puresvd: () => pureSvd,
    mf: () => mfAlgorithm(),
  };
  return names.map((n) => byName[n]());
}
