import { similarAnswer, type SimilarAnswer } from '@movielens/contracts';
import { LIST_FILTER_OPTIONS, LIST_FILTER_USAGE, pageColumns } from '../api-lists';
import type { Command } from '../command';
import type { ListSpec } from '../model-reader';
import { storedOrApiList } from '../stored-or-api-list';

/** The stored similar lists (cosine of SVD factors, topK per movie). */
const stored: ListSpec = {
  scoreHeader: 'cosine similarity',
  idKey: 'movieId',
  listKey: 'similar',
  noun: 'movie',
  fetch: (m, v, id) => m.similar(v, id),
  allIds: async (m, v) => (await m.factors(v)).movieIds,
};

/** The options that make `similar` ask the API. */
const API_OPTIONS = Object.keys(LIST_FILTER_OPTIONS);

/** `movielens similar`: the most similar movies of one or more movies, stored (Redis) or filtered by the API. */
export const similarCommand: Command = {
  name: 'similar',
  summary: 'Movies most similar to the given movies (cosine of SVD factors), from the current model; filtered through the API',
  usage: [
    'Usage: movielens similar <movieId...> [-k 10] [--all]',
    '       movielens similar <movieId...> [-k 10] [--genre G]... [--exclude ID,...] [--offset N] [--api URL]',
    '',
    'The first form reads the served model\'s stored lists from Redis (no API needed). The second',
    'asks the running API (GET /api/v1/movies/<id>/similar), which filters and pages the same',
    'stored list (its topK entries: a filter that leaves fewer says so).',
    '',
    '  -k N            entries per list (default 10; at most the model topK)',
    '  --all           every movie of the model, stored lists only (use with --json)',
    ...LIST_FILTER_USAGE,
    '  --json          first form: { movieId, model, similar: [{ movieId, title, score }] };',
    '                  second form: the API\'s answer; an array for several ids or --all',
  ].join('\n'),
  options: { k: { type: 'string', short: 'k' }, all: { type: 'boolean', default: false }, ...LIST_FILTER_OPTIONS },
  run: (ctx) =>
    storedOrApiList(ctx, stored, {
      apiOptions: API_OPTIONS,
      path: (id) => `/api/v1/movies/${id}/similar`,
      answer: similarAnswer,
      entries: (answer) => answer.similar,
      heading: (id, answer, page) => `movie ${id} (model ${answer.model}${page}; score: cosine similarity):`,
      columns: (answer) => pageColumns<SimilarAnswer['similar'][number]>(answer.offset),
    }),
};
