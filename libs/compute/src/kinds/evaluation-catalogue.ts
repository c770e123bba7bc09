/**
 * What `movielens evaluate` compares: the reference baselines of core, and every registered
 * kind's model as its `evaluation` adapter fits it, by algorithm name. A new kind with an
 * evaluation adapter is evaluated without an edit here or in the CLI.
 */
import { baseline, globalMean, likedPrior, mfAlgorithm, movieMean, popularity, withLikedPrior, type Algorithm } from '@movielens/core';
import { defaultKinds, type KindRegistry } from './registry';
import { competingKinds, LIKED_KEY, runSelectionSync } from './selection/selection-grid';
import { withoutLiked } from './selection/selection-tuned';

/** Reference algorithms that are not model kinds (baselines, and the SGD-trained MF for comparison). */
const REFERENCES: readonly (readonly [string, () => Algorithm])[] = [
  ['global-mean', () => globalMean],
  ['movie-mean', () => movieMean],
  ['popularity', () => popularity],
  ['baseline', () => baseline],
  ['mf-sgd', () => mfAlgorithm({ method: 'sgd' }, 'mf-sgd')],
];

/** Name of the model-selection algorithm of `movielens evaluate`. */
export const AUTO_ALGORITHM = 'auto';

/**
 * `auto` with `selectionRandomSplit: false`: the selection's validation split is each user's
 * latest 10% of ratings by time (the rebuild's default until 2026-12-07), for comparison.
 */
export const AUTO_TIME_ALGORITHM = 'auto-time';

/**
 * `auto`: what the rebuild serves by default, as one algorithm. Inside each fold's training data
 * it runs the whole model selection (its own validation split, a random 10% of each user's
 * ratings; every competing kind's grid and liked weight; NDCG@10), then fits the winning kind
 * with its winning parameters on the whole training data and ranks with its liked weight, as
 * the API serves it. Seeded by the fold's seed. With `timeSplit`, the validation split is each
 * user's latest 10% instead ({@link AUTO_TIME_ALGORITHM}).
 */
export function autoAlgorithm(registry: KindRegistry = defaultKinds, timeSplit = false): Algorithm {
  return {
    name: timeSplit ? AUTO_TIME_ALGORITHM : AUTO_ALGORITHM,
    fit(training) {
      const params = registry.parseParams({ seed: training.seed, ...(timeSplit ? { selectionRandomSplit: false } : {}) });
      const info = runSelectionSync(training.table, registry.kinds, params, { seed: training.seed, now: () => performance.now() });
      const kind = info.winner === null ? undefined : registry.get(info.winner.kind);
      if (info.winner === null || kind?.evaluation === undefined) throw new Error('auto: no ranking kind could be scored on the validation split');
      const model = kind.evaluation({ ...params, ...withoutLiked(info.winner.params) }).fit(training);
      return withLikedPrior(model, likedPrior(training.data), info.winner.params[LIKED_KEY] ?? 0);
    },
  };
}

/** The algorithms `movielens evaluate` knows, in listing order, by name. */
export function evaluationCatalogue(registry: KindRegistry = defaultKinds): Map<string, () => Algorithm> {
  const catalogue = new Map<string, () => Algorithm>(REFERENCES);
  for (const kind of registry.kinds) {
    if (kind.evaluation === undefined) continue;
    const name = kind.evaluation().name;
    if (catalogue.has(name)) throw new Error(`kind ${kind.name}: evaluation name ${name} is taken`);
    catalogue.set(name, kind.evaluation);
  }
  if (competingKinds(registry.kinds, registry.parseParams({})).length > 0) {
    catalogue.set(AUTO_ALGORITHM, () => autoAlgorithm(registry));
    if (registry.paramsSchema.shape.selectionRandomSplit !== undefined) catalogue.set(AUTO_TIME_ALGORITHM, () => autoAlgorithm(registry, true));
  }
  return catalogue;
}

/** What `movielens evaluate` runs without `--algorithms`: the baselines, then every kind's model. */
export function defaultEvaluation(registry: KindRegistry = defaultKinds): string[] {
  return ['global-mean', 'movie-mean', 'popularity', 'baseline', ...registry.kinds.flatMap((k) => (k.evaluation ? [k.evaluation().name] : []))];
}
