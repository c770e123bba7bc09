/** The run of `recommend` and `similar`: stored lists from Redis, or pages the API filters. */
import { InputError } from '@movielens/core';
import { apiBase, callApi, type AnswerSchema } from './api-client';
import { exhaustedLine, givenOptions, listQueryParams, type ListedEntry } from './api-lists';
import type { CommandContext } from './command';
import { listLength, parseIds, printLists, type ListSpec } from './model-reader';
import { connectRedis } from './redis-connection';
import { formatTable, type Column } from './table';

/** A page the API answers: `offset`, `exhausted`, and the entries under `entries(answer)`. */
export interface ApiPage {
  model: string;
  offset: number;
  exhausted: boolean;
}

/** What differs between the commands on their API side. */
export interface ApiListSpec<A extends ApiPage, E extends ListedEntry> {
  /** Options that send the command to the API (any one given). */
  apiOptions: readonly string[];
  /** The API path of one subject, e.g. `/api/v1/users/7/recommendations`. */
  path(id: number): string;
  /** Query parameters beyond k and the list filters (e.g. algorithm, explain). */
  extraQuery?(values: Record<string, unknown>, query: URLSearchParams): void;
  /** The contract of the answer. */
  answer: AnswerSchema<A>;
  /** The answer's entries. */
  entries(answer: A): E[];
  /** The line above a page's table. */
  heading(id: number, answer: A, page: string): string;
  /** The page's table columns. */
  columns(answer: A, values: Record<string, unknown>): Column<E>[];
}

/**
 * Runs a list command: without any of `api.apiOptions`, the stored lists of `stored` from
 * Redis (one id, several, or --all); with them, one API page per id, each validated by its
 * contract, printed as a table numbered from its offset. Returns the `--json` result.
 */
export async function storedOrApiList<A extends ApiPage, E extends ListedEntry>(ctx: CommandContext, stored: ListSpec, api: ApiListSpec<A, E>): Promise<unknown> {
  const values = ctx.args.values;
  const k = listLength(values.k);
  const all = values.all === true;
  const viaApi = givenOptions(values, api.apiOptions);
  if (viaApi.length === 0) {
    const conn = await connectRedis(ctx);
    try {
      return await printLists(conn, stored, ctx.args.positionals, k, all, ctx.print);
    } finally {
      await conn.close();
    }
  }
  if (all) throw new InputError(`--all reads the stored lists; it does not go with --${viaApi.join(', --')} (which ask the API, one ${stored.noun} at a time)`);
  const ids = parseIds(ctx.args.positionals, stored.noun);
  if (ids.length === 0) throw new InputError(`name at least one ${stored.noun} id`);
  const base = apiBase(values.api);
  const query = listQueryParams(values, k);
  api.extraQuery?.(values, query);
  const answers: A[] = [];
  for (const id of ids) {
    const answer = await callApi(`${base}${api.path(id)}?${query.toString()}`, { method: 'GET' }, { what: `${stored.noun} ${id}`, okStatus: 200, answer: api.answer, attempts: 2 });
    answers.push(answer);
    const entries = api.entries(answer);
    ctx.print(api.heading(id, answer, answer.offset > 0 ? `, from #${answer.offset + 1}` : ''));
    for (const line of formatTable(api.columns(answer, values), entries)) ctx.print(line);
    const end = exhaustedLine(answer, entries.length);
    if (end !== null) ctx.print(end);
  }
  return ids.length === 1 ? answers[0] : answers;
}
