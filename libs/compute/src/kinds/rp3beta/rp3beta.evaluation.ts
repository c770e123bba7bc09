/**
 * `movielens evaluate`'s RP3beta: W fitted on the training split (core `rp3betaNeighbours`), a
 * user's scores the sum of the W rows of their training movies, exactly as the served scorer
 * computes them.
 */
import { interactionGraph, rp3betaNeighbours, scoreByNeighbours, type Algorithm } from '@movielens/core';
import type { BuildParams } from '../model-kind';
import { rp3betaParams } from './rp3beta.params';

/** The RP3beta algorithm with the build parameters `params` (defaults when omitted). */
export function rp3betaEvaluation(params: BuildParams = {}): Algorithm {
  const p = rp3betaParams.parse(params);
  return {
    name: 'rp3beta',
    fit({ data }) {
      const w = rp3betaNeighbours(interactionGraph(data), { alpha: p.rp3Alpha, beta: p.rp3Beta, neighbours: p.rp3Neighbours });
      return {
        // A ranking model: it predicts no stars, so the rating columns show the global mean's error.
        predict: () => data.mean,
        scoreAll: (user, out) => scoreByNeighbours(w, data.movies.subarray(data.userStart[user], data.userStart[user + 1]), out),
      };
    },
  };
}

