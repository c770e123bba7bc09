import { InputError, MovieLensError, rankMovies, type GroupStat, type MovieStats, type RankOptions } from '@movielens/core';
import { ANALYTICS_TABLES, completeMovieStats, DatasetStore, hasMovieStatsColumns, isAnalyticsTableName, type AnalyticsTable, type AnalyticsTableName, type ModelMeta, type ModelStore, type MovieStatsColumn } from '@movielens/store';
import type { Command } from '../command';
import { currentModel, movieCatalogue, movieColumns, rankColumn } from '../model-reader';
import { connectRedis, type CliRedis } from '../redis-connection';
import { formatInt, formatTable, type Column } from '../table';
import { intOption } from './rebuild.command';

/**
 * Rankings computed from the model's per-movie statistics, by name; `header` names the ranked
 * value and its unit; `needs`, the stored columns it ranks by (older builds lack some).
 */
const RANKINGS: Record<string, { by: RankOptions['by']; header: string; label: string; needs: MovieStatsColumn[] }> = {
  'top-rated': { by: 'mean', header: 'mean stars', label: 'highest mean rating', needs: ['count', 'mean'] },
  'most-rated': { by: 'count', header: 'ratings', label: 'most ratings', needs: ['count'] },
  'gender-gap': { by: 'gap', header: 'women - men (stars)', label: "women's mean minus men's mean", needs: ['femaleCount', 'femaleMean', 'maleCount', 'maleMean'] },
  divisive: { by: 'std', header: 'std dev (stars)', label: 'highest standard deviation of the ratings', needs: ['count', 'std'] },
};

/**
 * Tables stored as JSON by the analytics kind, by CLI name (the same names as under
 * /api/v1/analytics): `summary` is the number of ratings and their mean, `distribution` the
 * ratings per star value, the others mean ratings per group of raters or per genre.
 */
const STORED = Object.keys(ANALYTICS_TABLES);

/** The views that rest on the raters' demographics (gender, age, occupation), which only the users files of ML-100K and ML-1M carry. */
const DEMOGRAPHIC = new Set(['gender-gap', 'by-gender', 'by-age', 'by-occupation']);

/** Raised when a view needs demographics the dataset does not have (exit 1, one line). */
export class NoDemographicsError extends MovieLensError {
  constructor(message: string) {
    super('NO_DEMOGRAPHICS', message);
    this.name = 'NoDemographicsError';
  }
}

/** Fails with one line when `name` needs demographics and the model's dataset has no users file. */
async function requireDemographics(conn: CliRedis, meta: ModelMeta, name: string): Promise<void> {
  if (!DEMOGRAPHIC.has(name)) return;
  const dataset = await new DatasetStore(conn.redis, conn.keys).meta(meta.datasetVersion);
  if (dataset === null || dataset.hasUserInfo) return;
  throw new NoDemographicsError(
    `${name} needs the raters' gender, age or occupation, and this dataset (${dataset.release}, version ${dataset.version}) has no demographics: ` +
      `no users file was ingested (the CSV releases have none). Try top-rated, most-rated, divisive, distribution or by-genre.`,
  );
}

/** The most ratings any movie has that count for `by` (for gap: the smaller of its women's and men's counts). */
function largestCount(stats: MovieStats, by: RankOptions['by']): number {
  let most = 0;
  for (let i = 0; i < stats.movieIds.length; i++) most = Math.max(most, by === 'gap' ? Math.min(stats.femaleCount[i], stats.maleCount[i]) : stats.count[i]);
  return most;
}

/** The rows of a group table (by gender, age, occupation or genre). */
function groupLines(name: AnalyticsTableName, groups: GroupStat[]): string[] {
  const columns: Column<GroupStat>[] = [
    { header: name === 'by-genre' ? 'genre' : 'group', cell: (g) => g.group },
    { header: 'ratings', align: 'right', cell: (g) => formatInt(g.count) },
    { header: 'mean stars', align: 'right', cell: (g) => (g.mean === null ? '-' : g.mean.toFixed(3)) },
  ];
  return formatTable(columns, groups);
}

/**
 * Stored table `name` of model version `ver` (decoded by the store with its schema: a corrupt
 * one is a CorruptRecordError naming its key) and its text lines; null when the model has none.
 */
async function storedTable(models: ModelStore, ver: string, name: AnalyticsTableName): Promise<{ data: AnalyticsTable<AnalyticsTableName>; lines: string[] } | null> {
  if (name === 'summary') {
    const s = await models.analytics(ver, name);
    return s === null ? null : { data: s, lines: [`  ratings      ${formatInt(s.totalRatings)}`, `  mean stars   ${s.globalMean === null ? '-' : s.globalMean.toFixed(3)}`] };
  }
  if (name === 'distribution') {
    const bins = await models.analytics(ver, name);
    if (bins === null) return null;
    const shown = bins.filter((b) => b.count > 0 || Number.isInteger(b.stars));
    const columns: Column<(typeof bins)[number]>[] = [
      { header: 'stars', align: 'right', cell: (b) => String(b.stars) },
      { header: 'ratings', align: 'right', cell: (b) => formatInt(b.count) },
    ];
    return { data: bins, lines: formatTable(columns, shown) };
  }
  const groups = await models.analytics(ver, name);
  return groups === null ? null : { data: groups, lines: groupLines(name, groups) };
}

/** `movielens analytics <name>`: rankings and group tables of the current model. */
export const analyticsCommand: Command = {
  name: 'analytics',
  summary: 'Rankings (top-rated, most-rated, gender-gap, divisive) and rating tables (summary, distribution, by-genre, ...)',
  usage: [
    'Usage: movielens analytics <name> [--min-ratings N] [--limit 20] [--men]',
    '',
    `Rankings: ${Object.keys(RANKINGS).join(', ')}`,
    `Tables:   ${STORED.join(', ')}`,
    '  summary: number of ratings and their mean; distribution: ratings per star value;',
    '  by-gender, by-age, by-occupation, by-genre: ratings and mean stars per group.',
    '  gender-gap, by-gender, by-age and by-occupation need demographics (the users file of',
    '  ML-100K or ML-1M); on a dataset without them the command fails with one line.',
    '',
    '  --min-ratings N  rankings: leave out movies with fewer ratings (default 100; gender-gap: per gender, default 50)',
    '  --limit N        rankings: rows shown (default 20)',
    '  --men            gender-gap: movies men rate higher (default: women)',
    '  --json           rankings: { name, model, minRatings, rows: [{ movieId, title, value, count }] }; tables: { name, model, data }',
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
      await requireDemographics(conn, meta, name);
      if (isAnalyticsTableName(name)) {
        const table = await storedTable(models, meta.id, name);
        if (table === null) throw new InputError(`model ${meta.id} has no '${name}' table (built by an older version?)`);
        ctx.print(`${name} (model ${meta.id}):`);
        for (const line of table.lines) ctx.print(line);
        return { name, model: meta.id, data: table.data };
      }
      const ranking = RANKINGS[name];
      const stored = await models.movieStats(meta.id);
      if (!hasMovieStatsColumns(stored, ...ranking.needs)) {
        throw new InputError(`model ${meta.id} has no ${ranking.needs.join('/')} statistics per movie (built by an older version); run movielens rebuild`);
      }
      const stats = completeMovieStats(stored);
      const minCount = intOption(ctx, 'min-ratings') ?? (ranking.by === 'gap' ? 50 : 100);
      const limit = intOption(ctx, 'limit') ?? 20;
      const direction = ranking.by === 'gap' && ctx.args.values.men === true ? 'asc' : 'desc';
      const catalogue = await movieCatalogue(conn, meta);
      const rows = rankMovies(stats, { by: ranking.by, minCount, limit, direction }).map((r) => ({ movieId: r.movieId, title: catalogue.get(r.movieId)?.title ?? null, value: r.value, count: r.count }));
      const perGender = ranking.by === 'gap' ? ' from women and from men each' : '';
      if (rows.length === 0) {
        const most = largestCount(stats, ranking.by);
        ctx.print(`${name}: no movie has at least ${minCount} ratings${perGender} (the most any movie has is ${most}); try --min-ratings ${Math.max(1, Math.floor(most / 2))}.`);
        return { name, model: meta.id, minRatings: minCount, rows };
      }
      ctx.print(`${name}: ${ranking.label}, movies with at least ${minCount} ratings${perGender} (model ${meta.id}):`);
      type Row = (typeof rows)[number];
      const columns: Column<Row>[] = [
        rankColumn(),
        { header: ranking.header, align: 'right', cell: (r) => (ranking.by === 'count' ? formatInt(r.value) : r.value.toFixed(3)) },
        ...(ranking.by === 'count' ? [] : [{ header: 'ratings', align: 'right' as const, cell: (r: Row) => formatInt(r.count) }]),
        ...movieColumns(catalogue, (r: Row) => r.movieId),
      ];
      for (const line of formatTable(columns, rows)) ctx.print(line);
      return { name, model: meta.id, minRatings: minCount, rows };
    } finally {
      await conn.close();
    }
  },
};
