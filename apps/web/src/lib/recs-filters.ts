/**
 * The user page's recommendation filters: the ranking algorithm, a genre and the page's offset.
 * They live in the route (`#/user/7?algorithm=ease&genre=Drama&offset=20`), so a reload or a
 * shared link shows the same list. Pure: parsing, formatting, the API query, paging, options
 * and the error texts; the card that draws them is `views/user-recs.ts`.
 */
import type { Query } from './api-client';
import { ApiError } from './api-client';
import type { StatusAnswer } from './api-types';

/** What the recommendations card asks for; `''` is "not chosen". */
export interface RecsFilters {
  /** `?algorithm=`; `''` leaves it out, so the API's default (the model selection's winner) answers. */
  algorithm: string;
  /** `?genre=`, one catalogue genre; `''` is any genre. */
  genre: string;
  /** `?offset=`: entries skipped before the page, 0 for the first page. */
  offset: number;
}

/** No filter: the selection's algorithm, any genre, the first page. */
export const noRecsFilters: RecsFilters = { algorithm: '', genre: '', offset: 0 };

/** One ranking kind as `GET /status` lists it (`model.algorithms`). */
export type ServedAlgorithm = NonNullable<StatusAnswer['model']>['algorithms'][number];

/** One entry of the algorithm select. */
export interface AlgorithmOption {
  /** The `?algorithm=` value, `''` for the model selection's choice. */
  value: string;
  label: string;
}

// The API's own shapes (libs/contracts: kindParams' name pattern, the genre's 50 characters); anything
// else in a hand-edited URL is dropped rather than sent, so a typo reads as "no filter".
const algorithmPattern = /^[a-z][a-z0-9]{0,30}$/;
const offsetPattern = /^\d{1,4}$/;

/** The filters in a route's query; malformed values read as not chosen. */
export function parseRecsFilters(params: URLSearchParams): RecsFilters {
  const algorithm = params.get('algorithm') ?? '';
  const genre = (params.get('genre') ?? '').trim();
  const offset = params.get('offset') ?? '';
  return {
    algorithm: algorithmPattern.test(algorithm) ? algorithm : '',
    genre: genre.length <= 50 ? genre : '',
    offset: offsetPattern.test(offset) ? Number(offset) : 0,
  };
}

/** The route query of `filters` (chosen ones only, in a fixed order); `''` for none. */
export function formatRecsFilters(filters: RecsFilters): string {
  const params = new URLSearchParams();
  if (filters.algorithm !== '') params.set('algorithm', filters.algorithm);
  if (filters.genre !== '') params.set('genre', filters.genre);
  if (filters.offset > 0) params.set('offset', String(filters.offset));
  return params.toString();
}

/** The query of `GET /users/:id/recommendations` for one page of `k`, explained; unchosen filters are left out. */
export function recsQuery(filters: RecsFilters, k: number): Query {
  return { k, explain: 1, algorithm: filters.algorithm, genre: filters.genre, offset: filters.offset > 0 ? filters.offset : undefined };
}

/** Where the next page starts, or null when the answer was the last (`exhausted`). */
export function nextOffset(answer: { offset: number; exhausted: boolean }, k: number): number | null {
  return answer.exhausted ? null : answer.offset + k;
}

/** Where the previous page starts, or null on the first page. */
export function previousOffset(offset: number, k: number): number | null {
  return offset <= 0 ? null : Math.max(0, offset - k);
}

/** "21–40": the 1-based ranks of a page of `count` entries starting at `offset`. */
export function pageRanks(offset: number, count: number): string {
  return count <= 1 ? String(offset + 1) : `${offset + 1}–${offset + count}`;
}

/**
 * The algorithm select: "Chosen by model selection" first (naming the default when the status
 * says which), then each algorithm the served set has, in registry order. An algorithm the URL
 * asks for that the set lacks stays listed, marked, so the select shows what was asked and the
 * card's 503 explains it. `algorithms` undefined (status not loaded): only what is known.
 */
export function algorithmOptions(algorithms: readonly ServedAlgorithm[] | undefined, selected: string): AlgorithmOption[] {
  const list = algorithms ?? [];
  const chosen = list.find((a) => a.default);
  const options: AlgorithmOption[] = [{ value: '', label: chosen === undefined ? 'Chosen by model selection' : `Chosen by model selection (${chosen.algorithm})` }];
  for (const a of list) if (a.served) options.push({ value: a.algorithm, label: a.algorithm });
  if (selected !== '' && !options.some((o) => o.value === selected)) {
    options.push({ value: selected, label: algorithms === undefined ? selected : `${selected} (not trained)` });
  }
  return options;
}

/**
 * True when the scores are predicted stars (PureSVD, MF), which the page draws as "predicted ★ x / 5";
 * the other kinds' scores (item weights, preferences) are only an order and are shown as numbers with
 * their unit. Read from the answer's `scoreUnit`, whose star kinds all start so.
 */
export function scoresAreStars(scoreUnit: string): boolean {
  return scoreUnit.startsWith('predicted stars');
}

/** What the card says instead of a list when the API refuses the filters. */
export interface RecsProblem {
  title: string;
  hint: string;
}

/**
 * The card's message for a failed request with these filters: 503 NOT_READY for a chosen
 * algorithm (its kind is off or still training), or a 400 (an unknown genre or algorithm, an
 * offset past the end), with the API's own reason. Null for other failures, which get the
 * page's usual error state (no model at all, network).
 */
export function recsProblem(error: unknown, filters: RecsFilters): RecsProblem | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'NOT_READY' && filters.algorithm !== '') {
    return { title: `${filters.algorithm} is not trained yet`, hint: 'The served model has no version of it (it is turned off or still being trained). Choose another algorithm.' };
  }
  if (error.status === 400) return { title: 'These filters were refused', hint: error.message };
  return null;
}
