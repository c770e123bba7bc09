import type { Algorithm } from './algorithm';
import { baseline, globalMean, movieMean, popularity } from './baselines';
import { mfAlgorithm, pureSvd } from './model-algorithms';

/** Names accepted by `algorithmsByName`. `mf-sgd` is the SGD-trained MF, for comparison with the default `mf`. */
export const ALGORITHM_NAMES = ['global-mean', 'movie-mean', 'popularity', 'baseline', 'puresvd', 'mf', 'mf-sgd'] as const;

/** One of `ALGORITHM_NAMES`. */
export type AlgorithmName = (typeof ALGORITHM_NAMES)[number];

/** True when `name` is a known algorithm name. */
export function isAlgorithmName(name: string): name is AlgorithmName {
  return (ALGORITHM_NAMES as readonly string[]).includes(name);
}

/** What `movielens evaluate` runs without `--algorithms`, in this order. */
export const DEFAULT_ALGORITHMS: readonly AlgorithmName[] = ['global-mean', 'movie-mean', 'popularity', 'baseline', 'puresvd', 'mf'];

/** The algorithms with these names, in the given order (default: `DEFAULT_ALGORITHMS`). */
export function algorithmsByName(names: readonly AlgorithmName[] = DEFAULT_ALGORITHMS): Algorithm[] {
  const byName: Record<AlgorithmName, () => Algorithm> = {
    'global-mean': () => globalMean,
    'movie-mean': () => movieMean,
    popularity: () => popularity,
    baseline: () => baseline,
    puresvd: () => pureSvd,
    mf: () => mfAlgorithm(),
    'mf-sgd': () => mfAlgorithm({ method: 'sgd' }, 'mf-sgd'),
  };
  return names.map((n) => byName[n]());
}
