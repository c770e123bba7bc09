import { recommendationsAnswer, type RecommendationsAnswer } from '@movielens/contracts';
import { LIST_FILTER_OPTIONS, LIST_FILTER_USAGE, pageColumns } from '../api-lists';
import type { Command } from '../command';
import type { ListSpec } from '../model-reader';
import { storedOrApiList } from '../stored-or-api-list';
import type { Column } from '../table';

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
const API_OPTIONS = ['algorithm', 'explain', ...Object.keys(LIST_FILTER_OPTIONS)];

type Entry = RecommendationsAnswer['recommendations'][number];

/** The table of one answer of the API; `because` only under --explain. */
function apiColumns(answer: RecommendationsAnswer, explain: boolean): Column<Entry>[] {
  const columns = pageColumns<Entry>(answer.offset);
  if (explain) columns.push({ header: 'because you rated', cell: (e) => (e.because ?? []).map((b) => `${b.title ?? `movie ${b.movieId}`} (${b.weight >= 0 ? '+' : ''}${Number(b.weight.toPrecision(2))})`).join('; ') || '-' });
  return columns;
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
  run: (ctx) =>
    storedOrApiList(ctx, stored, {
      apiOptions: API_OPTIONS,
      path: (id) => `/api/v1/users/${id}/recommendations`,
      extraQuery: (values, query) => {
        if (values.algorithm !== undefined) query.set('algorithm', String(values.algorithm));
        if (values.explain === true) query.set('explain', '1');
      },
      answer: recommendationsAnswer,
      entries: (answer) => answer.recommendations,
      heading: (id, answer, page) => `user ${id} (model ${answer.model}, algorithm ${answer.algorithm}${page}; score: ${answer.scoreUnit}):`,
      columns: (answer, values) => apiColumns(answer, values.explain === true),
    }),
};
