import { recommendationsAnswer, type RecommendationsAnswer } from '@movielens/contracts';
import { InputError } from '@movielens/core';
import { apiBase, callApi } from '../api-client';
import { exhaustedLine, givenOptions, LIST_FILTER_OPTIONS, LIST_FILTER_USAGE, listQueryParams, pageColumns } from '../api-lists';
import type { Command } from '../command';
import { listLength, parseIds, printLists, type ListSpec } from '../model-reader';
import { connectRedis } from '../redis-connection';
import { formatTable, type Column } from '../table';

/** The stored lists `recommend` prints without the API: PureSVD's, computed at the rebuild. */
const stored: ListSpec = {
  scoreHeader: 'predicted stars',
  idKey: 'userId',
  listKey: 'recommendations',
  noun: 'user',
  fetch: (m, v, id) => m.recommendations(v, id),
  allIds: async (m, v) => (await m.users(v)).userIds,
};

/** The options that make `recommend` ask the API. */
const API_OPTIONS = ['algorithm', 'genre', 'exclude', 'offset', 'explain', 'api'];

type Entry = RecommendationsAnswer['recommendations'][number];

/** The table of one answer of the API; `because` only under --explain. */
function apiColumns(answer: RecommendationsAnswer, explain: boolean): Column<Entry>[] {
  const columns = pageColumns<Entry>(answer.offset);
  if (explain) columns.push({ header: 'because you rated', cell: (e) => (e.because ?? []).map((b) => `${b.title ?? `movie ${b.movieId}`} (${b.weight >= 0 ? '+' : ''}${Number(b.weight.toPrecision(2))})`).join('; ') || '-' });
  return columns;
}

/** The query string of `GET /users/:id/recommendations` for the command's options. */
export function recommendationsQueryString(values: Record<string, unknown>, k: number): string {
  const query = listQueryParams(values, k);
  if (values.algorithm !== undefined) query.set('algorithm', String(values.algorithm));
  if (values.explain === true) query.set('explain', '1');
  return query.toString();
}

/** `movielens recommend`: a user's recommendations, stored (Redis) or ranked by the API with filters and explanations. */
export const recommendCommand: Command = {
  name: 'recommend',
  summary: 'Top movies for the given users: the stored lists, or any ranking kind through the API with filters and explanations',
  usage: [
    'Usage: movielens recommend <userId...> [-k 10] [--all]',
    '       movielens recommend <userId...> [-k 10] [--algorithm A] [--genre G]... [--exclude ID,...] [--offset N] [--explain] [--api URL]',
    '',
    'The first form reads the served model\'s stored lists from Redis (PureSVD, predicted stars,',
    'unseen movies only; computed at the rebuild, no API needed). The second form asks the',
    'running API (GET /api/v1/users/<id>/recommendations): the list the web page shows, ranked',
    'by the model selection\'s winner unless --algorithm names a kind, with the user\'s live',
    'ratings applied.',
    '',
    '  -k N            entries per list (default 10)',
    '  --all           every user of the model, stored lists only (use with --json)',
    '  --algorithm A   the ranking kind: puresvd, mf, ease, ials, rp3beta, ... (an unknown one is refused, naming them)',
    '  --explain       name the rated movies that contributed most to each recommendation',
    ...LIST_FILTER_USAGE,
    '  --json          first form: { userId, model, recommendations: [{ movieId, title, score }] };',
    '                  second form: the API\'s answer; an array for several ids or --all',
  ].join('\n'),
  options: {
    k: { type: 'string', short: 'k' },
    all: { type: 'boolean', default: false },
    algorithm: { type: 'string' },
    explain: { type: 'boolean' },
    ...LIST_FILTER_OPTIONS,
  },
  async run(ctx) {
    const k = listLength(ctx.args.values.k);
    const all = ctx.args.values.all === true;
    const viaApi = givenOptions(ctx.args.values, API_OPTIONS);
    if (viaApi.length === 0) {
      const conn = await connectRedis(ctx);
      try {
        return await printLists(conn, stored, ctx.args.positionals, k, all, ctx.print);
      } finally {
        await conn.close();
      }
    }
    if (all) throw new InputError(`--all reads the stored lists; it does not go with --${viaApi.join(', --')} (which ask the API, one user at a time)`);
    const ids = parseIds(ctx.args.positionals, 'user');
    if (ids.length === 0) throw new InputError('name at least one user id');
    const base = apiBase(ctx.args.values.api);
    const query = recommendationsQueryString(ctx.args.values, k);
    const explain = ctx.args.values.explain === true;
    const answers: RecommendationsAnswer[] = [];
    for (const id of ids) {
      const answer = await callApi(`${base}/api/v1/users/${id}/recommendations?${query}`, { method: 'GET' }, { what: `recommend ${id}`, okStatus: 200, answer: recommendationsAnswer, attempts: 2 });
      answers.push(answer);
      const page = answer.offset > 0 ? `, from #${answer.offset + 1}` : '';
      ctx.print(`user ${id} (model ${answer.model}, algorithm ${answer.algorithm}${page}; score: ${answer.scoreUnit}):`);
      for (const line of formatTable(apiColumns(answer, explain), answer.recommendations)) ctx.print(line);
      const end = exhaustedLine(answer, answer.recommendations.length);
      if (end !== null) ctx.print(end);
    }
    return ids.length === 1 ? answers[0] : answers;
  },
};

