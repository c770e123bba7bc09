export type { TopKSimilar, TopKSimilarOptions } from './top-k-similar';
export { movieVectors, topKSimilar } from './top-k-similar';
