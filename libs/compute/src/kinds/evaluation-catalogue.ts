/**
 * What `movielens evaluate` compares: the reference baselines of core, and every registered
 * kind's model as its `evaluation` adapter fits it, by algorithm name. A new kind with an
 * evaluation adapter is evaluated without an edit here or in the CLI.
 */
import { baseline, globalMean, mfAlgorithm, movieMean, popularity, type Algorithm } from '@movielens/core';
import { defaultKinds, type KindRegistry } from './registry';

/** Reference algorithms that are not model kinds (baselines, and the SGD-trained MF for comparison). */
const REFERENCES: readonly (readonly [string, () => Algorithm])[] = [
  ['global-mean', () => globalMean],
  ['movie-mean', () => movieMean],
  ['popularity', () => popularity],
  ['baseline', () => baseline],
  ['mf-sgd', () => mfAlgorithm({ method: 'sgd' }, 'mf-sgd')],
];

/** The algorithms `movielens evaluate` knows, in listing order, by name. */
export function evaluationCatalogue(registry: KindRegistry = defaultKinds): Map<string, () => Algorithm> {
  const catalogue = new Map<string, () => Algorithm>(REFERENCES);
  for (const kind of registry.kinds) {
    if (kind.evaluation === undefined) continue;
    const name = kind.evaluation().name;
    if (catalogue.has(name)) throw new Error(`kind ${kind.name}: evaluation name ${name} is taken`);
    catalogue.set(name, kind.evaluation);
  }
  return catalogue;
}

/** What `movielens evaluate` runs without `--algorithms`: the baselines, then every kind's model. */
export function defaultEvaluation(registry: KindRegistry = defaultKinds): string[] {
  return ['global-mean', 'movie-mean', 'popularity', 'baseline', ...registry.kinds.flatMap((k) => (k.evaluation ? [k.evaluation().name] : []))];
}
