import type { KindRecommender, ModelReads, RankedMovie, UserRow } from '@movielens/compute';
import { applyLikedPrior } from '@movielens/core';
import { isFiltered, keeps, type ListFilter, type ListQuery } from '../routes/list-query';
import type { ModelSnapshot } from './model-snapshot';
import { pageOfList, rankedPage } from './ranked-page';
import type { ScorerCache } from './scorer-cache';
import { servedLikedPrior, servedLikedWeight } from './served-liked';

/** Rated movies named per recommended movie under `?explain=1`. */
export const EXPLAIN_TOP = 3;

/** Longest stored list read when a kind without a scorer is filtered or paged. */
const STORED_LIST_MAX = 1000;

/** A rated movie that contributed to a recommendation (`?explain=1`). */
export interface Because {
  movieId: number;
  title: string | null;
  /** Its share of the score, in the kind's score unit. */
  weight: number;
}

/** A ranked movie, with its explanation when asked for. */
export type ExplainedMovie = RankedMovie & { because?: Because[] };

/** What {@link rankUser} needs. */
export interface RankUserInput {
  snap: ModelSnapshot;
  models: ModelReads;
  scorers: ScorerCache;
  kind: string;
  recommender: KindRecommender;
  /** The user's row; null for a user with no ratings in the dataset. */
  row: UserRow | null;
  /** Movies the user rated (never recommended). */
  rated: ReadonlySet<number>;
  q: ListQuery & { explain: boolean };
  filter: ListFilter;
}

/** A page of {@link rankUser}, with the liked weight its scores carry (0: the kind's own scores). */
export interface RankedUserPage {
  items: ExplainedMovie[];
  exhausted: boolean;
  liked: number;
}

/**
 * One page of a user's recommendations by one kind. Without filters, paging, explanations or a
 * tuned liked weight, a kind's stored list (`recommend`, one read) answers when it is long
 * enough; otherwise the kind's scorer scores the whole catalogue for the row (with the liked
 * prior at the weight the served selection tuned for the kind, `served-liked.ts`) and the page
 * is cut from that ranking, so both give the same top-k. Kinds without a scorer filter and page
 * their stored list (no liked prior). Null when the kind cannot rank this user.
 */
export async function rankUser(input: RankUserInput): Promise<RankedUserPage | null> {
  const { snap, kind, recommender, row, rated, q } = input;
  const filter: ListFilter = { exclude: new Set([...input.filter.exclude, ...rated]), genres: input.filter.genres };
  const keep = keeps(snap, filter);
  const userId = row?.userId;
  const tuned = recommender.scorer === undefined ? 0 : await servedLikedWeight(snap, kind);
  const plain = tuned === 0 && !isFiltered(q) && !q.explain && (row === null || !row.changed);
  if (plain && userId !== undefined) {
    const list = await recommender.recommend(input.models, snap.version, userId, q.k, rated);
    if (list !== null && list.length >= q.k) return { items: list, exhausted: false, liked: 0 };
    if (recommender.scorer === undefined) return list === null ? null : { items: list, exhausted: true, liked: 0 };
  }
  const scorer = await input.scorers.get(snap, kind, recommender);
  if (scorer === null) {
    if (userId === undefined) return null;
    const list = await recommender.recommend(input.models, snap.version, userId, STORED_LIST_MAX, rated);
    return list === null ? null : { ...pageOfList(list, keep, q.offset, q.k), liked: 0 };
  }
  if (row === null) return null;
  const scores = new Float32Array(scorer.movieIds.length);
  if (!scorer.score(row, scores)) return null;
  if (tuned > 0) applyLikedPrior(scores, await servedLikedPrior(snap, kind, scorer.movieIds), tuned);
  const page = { ...rankedPage(scorer.movieIds, scores, keep, q.offset, q.k), liked: tuned };
  if (!q.explain || scorer.explain === undefined) return page;
  const explain = scorer.explain.bind(scorer);
  return {
    liked: tuned,
    exhausted: page.exhausted,
    items: page.items.map((m) => ({ ...m, because: explain(row, m.movieId, EXPLAIN_TOP).map((c) => ({ movieId: c.movieId, title: snap.title(c.movieId), weight: c.weight })) })),
  };
}
