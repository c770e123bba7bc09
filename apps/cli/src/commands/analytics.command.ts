import { InputError, rankMovies, type RankOptions } from '@movielens/core';
import type { Command } from '../command';
import { currentModel, movieTitles } from '../model-reader';
import { connectRedis } from '../redis-connection';
import { intOption } from './rebuild.command';

/** Rankings computed from the model's per-movie statistics, by name. */
const RANKINGS: Record<string, { by: RankOptions['by']; label: string }> = {
  'top-rated': { by: 'mean', label: 'mean rating' },
  'most-rated': { by: 'count', label: 'ratings' },
  'gender-gap': { by: 'gap', label: "women's mean - men's mean" },
  divisive: { by: 'std', label: 'standard deviation' },
};

/** Tables stored as JSON by the rebuild, by CLI name. */
const STORED = ['distribution', 'by-age', 'by-occupation', 'by-genre', 'by-gender', 'summary'];

/** `movielens analytics <name>`: rankings and group tables of the current model. */
export const analyticsCommand: Command = {
  name: 'analytics',
  summary: 'Rankings (top-rated, most-rated, gender-gap, divisive) and rating tables (distribution, by-age, ...)',
  usage: [
    'Usage: movielens analytics <name> [--min-ratings N] [--limit 20] [--men]',
    '',
    `Names: ${[...Object.keys(RANKINGS), ...STORED].join(', ')}`,
    '',
    '  --min-ratings N  rankings: leave out movies with fewer ratings (default 100; gender-gap: per gender, default 50)',
    '  --limit N        rankings: rows shown (default 20)',
    '  --men            gender-gap: movies men rate higher (default: women)',
    '  --json           rankings: { name, model, rows: [{ movieId, title, value, count }] }; tables: { name, model, data }',
  ].join('\n'),
  options: { 'min-ratings': { type: 'string' }, limit: { type: 'string' }, men: { type: 'boolean', default: false } },
  async run(ctx) {
    const name = ctx.args.positionals[0];
    if (name === undefined || !(name in RANKINGS || STORED.includes(name))) {
      throw new InputError(`name one of: ${[...Object.keys(RANKINGS), ...STORED].join(', ')}${name ? ` (got '${name}')` : ''}`);
    }
    const conn = await connectRedis(ctx);
    try {
      const { models, meta } = await currentModel(conn);
      const ranking = RANKINGS[name];
      if (ranking === undefined) {
        const data = await models.analytics(meta.id, name);
        if (data === null) throw new InputError(`model ${meta.id} has no '${name}' table (built by an older version?)`);
        ctx.print(JSON.stringify(data, null, 2));
        return { name, model: meta.id, data };
      }
      const stats = await models.movieStats(meta.id);
      const minCount = intOption(ctx, 'min-ratings') ?? (ranking.by === 'gap' ? 50 : 100);
      const limit = intOption(ctx, 'limit') ?? 20;
      const direction = ranking.by === 'gap' && ctx.args.values.men === true ? 'asc' : 'desc';
      const titles = await movieTitles(conn, meta);
      const rows = rankMovies(stats, { by: ranking.by, minCount, limit, direction }).map((r) => ({ movieId: r.movieId, title: titles.get(r.movieId) ?? null, value: r.value, count: r.count }));
      ctx.print(`${name} (${ranking.label}; at least ${minCount} ratings; model ${meta.id}):`);
      rows.forEach((r, i) => ctx.print(`  ${String(i + 1).padStart(3)}. ${r.value.toFixed(3).padStart(9)}  ${String(r.count).padStart(6)}  ${r.movieId}  ${r.title ?? ''}`));
      return { name, model: meta.id, minRatings: minCount, rows };
    } finally {
      await conn.close();
    }
  },
};
