import { listCommand } from '../model-reader';

/** `movielens similar`: the most similar movies of one or more movies, from the current model. */
export const similarCommand = listCommand(
  'similar',
  'Movies most similar to the given movies (cosine of SVD factors), from the current model',
  [
    'Usage: movielens similar <movieId...> [-k 10] [--all]',
    '',
    '  -k N    entries per list (default 10; at most the model topK)',
    '  --all   every movie of the model (use with --json)',
    '  --json  { movieId, model, similar: [{ movieId, title, score }] }, an array for several ids or --all',
  ].join('\n'),
  { scoreHeader: 'cosine similarity', idKey: 'movieId', listKey: 'similar', noun: 'movie', fetch: (m, v, id) => m.similar(v, id), allIds: async (m, v) => (await m.factors(v)).movieIds },
);
