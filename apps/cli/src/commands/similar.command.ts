import { similarAnswer, type SimilarAnswer } from '@movielens/contracts';
import { InputError } from '@movielens/core';
import { apiBase, callApi } from '../api-client';
import { exhaustedLine, givenOptions, LIST_FILTER_OPTIONS, LIST_FILTER_USAGE, listQueryParams, pageColumns } from '../api-lists';
import type { Command } from '../command';
import { listLength, parseIds, printLists, type ListSpec } from '../model-reader';
import { connectRedis } from '../redis-connection';
import { formatTable } from '../table';

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
    if (all) throw new InputError(`--all reads the stored lists; it does not go with --${viaApi.join(', --')} (which ask the API, one movie at a time)`);
    const ids = parseIds(ctx.args.positionals, 'movie');
    if (ids.length === 0) throw new InputError('name at least one movie id');
    const base = apiBase(ctx.args.values.api);
    const query = listQueryParams(ctx.args.values, k).toString();
    const answers: SimilarAnswer[] = [];
    for (const id of ids) {
      const answer = await callApi(`${base}/api/v1/movies/${id}/similar?${query}`, { method: 'GET' }, { what: `similar ${id}`, okStatus: 200, answer: similarAnswer, attempts: 2 });
      answers.push(answer);
      const page = answer.offset > 0 ? `, from #${answer.offset + 1}` : '';
      ctx.print(`movie ${id} (model ${answer.model}${page}; score: cosine similarity):`);
      for (const line of formatTable(pageColumns<SimilarAnswer['similar'][number]>(answer.offset), answer.similar)) ctx.print(line);
      const end = exhaustedLine(answer, answer.similar.length);
      if (end !== null) ctx.print(end);
    }
    return ids.length === 1 ? answers[0] : answers;
  },
};
