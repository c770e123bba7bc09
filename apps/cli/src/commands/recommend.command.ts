import type { Command } from '../command';
import { listLength, printLists } from '../model-reader';
import { connectRedis } from '../redis-connection';

/** `movielens recommend`: precomputed recommendations of one or more users, from the current model. */
export const recommendCommand: Command = {
  name: 'recommend',
  summary: 'Top movies for the given users (predicted ratings, unseen movies only), from the current model',
  usage: [
    'Usage: movielens recommend <userId...> [-k 10] [--all]',
    '',
    '  -k N    entries per list (default 10; at most the model recsN)',
    '  --all   every user of the model (use with --json)',
    '  --json  { userId, model, recommendations: [{ movieId, title, score }] }, an array for several ids or --all',
  ].join('\n'),
  options: { k: { type: 'string', short: 'k' }, all: { type: 'boolean', default: false } },
  async run(ctx) {
    const conn = await connectRedis(ctx);
    try {
      return await printLists(
        conn,
        { idKey: 'userId', listKey: 'recommendations', noun: 'user', fetch: (m, v, id) => m.recommendations(v, id), allIds: async (m, v) => (await m.users(v)).userIds },
        ctx.args.positionals,
        listLength(ctx.args.values.k),
        ctx.args.values.all === true,
        ctx.print,
      );
    } finally {
      await conn.close();
    }
  },
};
