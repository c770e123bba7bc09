import type { Algorithm } from '../evaluation/algorithm';
import { trainIals, type IalsOptions } from './ials-train';

/**
 * iALS as `movielens evaluate` fits it (name `ials`): ranked by x_u . y_i. It is a ranking
 * model, not a rating model: `predict` returns the training mean (its RMSE is that of
 * `global-mean`).
 */
export function ialsAlgorithm(options: IalsOptions = {}, name = 'ials'): Algorithm {
  return {
    name,
    fit({ data, seed, onProgress }) {
      const model = trainIals(data, { seed, ...options, onIteration: (t, total) => onProgress?.(t / total) });
      const k = model.k;
      return {
        predict: () => data.mean,
        scoreAll(user, out) {
          const base = user * k;
          for (let i = 0; i < out.length; i++) {
            let s = 0;
            for (let c = 0; c < k; c++) s += model.X[base + c] * model.Y[i * k + c];
            out[i] = s;
          }
        },
      };
    },
  };
}
