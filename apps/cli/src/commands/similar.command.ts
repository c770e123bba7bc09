import type { Command } from '../command';
import { listLength, printLists } from '../model-reader';
import { connectRedis } from '../redis-connection';

/** `movielens similar`: the most similar movies of one or more movies, from the current model. */
export const similarCommand: Command = {
  name: 'similar',
  summary: 'Movies most similar to the given movies (cosine of SVD factors), from the current model',
  usage: [
    'Usage: movielens similar <movieId...> [-k 10] [--all]',
    '',
    '  -k N    entries per list (default 10; at most the model topK)',
    '  --all   every movie of the model (use with --json)',
    '  --json  { movieId, model, similar: [{ movieId, title, score }] }, an array for several ids or --all',
  ].join('\n'),
  options: { k: { type: 'string', short: 'k' }, all: { type: 'boolean', default: false } },
  async run(ctx) {
    const conn = await connectRedis(ctx);
    try {
      return await printLists(
        conn,
        { idKey: 'movieId', listKey: 'similar', noun: 'movie', fetch: (m, v, id) => m.similar(v, id), allIds: async (m, v) => (await m.factors(v)).movieIds },
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
