import { listCommand } from '../model-reader';

/** `movielens recommend`: precomputed recommendations of one or more users, from the current model. */
export const recommendCommand = listCommand(
  'recommend',
  'Top movies for the given users (predicted ratings, unseen movies only), from the current model',
  [
    'Usage: movielens recommend <userId...> [-k 10] [--all]',
    '',
    '  -k N    entries per list (default 10; at most the model recsN)',
    '  --all   every user of the model (use with --json)',
    '  --json  { userId, model, recommendations: [{ movieId, title, score }] }, an array for several ids or --all',
  ].join('\n'),
  { scoreHeader: 'predicted stars', idKey: 'userId', listKey: 'recommendations', noun: 'user', fetch: (m, v, id) => m.recommendations(v, id), allIds: async (m, v) => (await m.users(v)).userIds },
);
