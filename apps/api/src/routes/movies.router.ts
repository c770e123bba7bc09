import { Router } from 'express';
import { movieSearchQuery as searchQuery } from '@movielens/contracts';
import { HISTOGRAM_BINS, HISTOGRAM_STARS } from '@movielens/core';
import type { AppDeps } from '../deps';
import { sendModelAnswer } from '../middleware/cache';
import { notFound } from '../middleware/errors';
import { parseInput } from '../middleware/validate';
import { idParams } from './params';
import { keeps, listFilter, listQuery, listResource } from './list-query';
import { pageOfList } from '../services/ranked-page';
import type { ModelSnapshot } from '../services/model-snapshot';
import { foldText } from '../services/text';

/** Rating statistics of a movie (count, mean, std, per-half-star histogram); null when the model has no row for it. */
export async function movieRatingStats(snap: ModelSnapshot, movieId: number) {
  const { raw, table, rowOf } = await snap.stats();
  const row = rowOf.get(movieId);
  if (row === undefined) return null;
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  const histogram = raw.histogram === undefined ? null : HISTOGRAM_STARS.map((stars, b) => ({ stars, count: table.histogram[row * HISTOGRAM_BINS + b] }));
  return { count: table.count[row], mean: finite(table.mean[row]), std: finite(table.std[row]), histogram };
}

/** `/movies`: search, one movie with its rating statistics, similar movies. */
export function moviesRouter({ readModel, models }: AppDeps): Router {
  const router = Router();

  router.get('/movies', async (req, res) => {
    const q = parseInput(searchQuery, req, 'query');
    const snap = await readModel.current();
    const resource = `movies:${q.query ?? ''}:${q.genre ?? ''}:${q.page}:${q.limit}`;
    await sendModelAnswer(req, res, snap, resource, async () => {
      const needle = q.query ? foldText(q.query) : undefined;
      const genre = q.genre ? q.genre.toLowerCase() : undefined;
      const hits = snap.catalogue.filter(
        (e) => (needle === undefined || e.folded.includes(needle)) && (genre === undefined || e.movie.genres.some((g) => g.toLowerCase() === genre)),
      );
      const start = (q.page - 1) * q.limit;
      return { model: snap.version, page: q.page, limit: q.limit, total: hits.length, movies: hits.slice(start, start + q.limit).map((e) => e.movie) };
    });
  });

  router.get('/movies/:id', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const snap = await readModel.current();
    const movie = snap.movies.get(id);
    if (movie === undefined) throw notFound(`Movie ${id} does not exist.`);
    await sendModelAnswer(req, res, snap, `movie:${id}`, async () => ({ model: snap.version, movie, stats: await movieRatingStats(snap, id) }));
  });

  router.get('/movies/:id/similar', async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const q = parseInput(listQuery, req, 'query');
    const snap = await readModel.current();
    const filter = listFilter(snap, q);
    await sendModelAnswer(req, res, snap, `similar:${id}:${listResource(q)}`, async () => {
      const list = await models.similar(snap.version, id);
      if (list === null) throw notFound(snap.movies.has(id) ? `Movie ${id} is not in model ${snap.version} (no ratings).` : `Movie ${id} does not exist.`);
      const { table, rowOf } = await snap.stats();
      // The stored list is the whole answer (topK entries): filters that leave fewer than asked say so.
      const page = pageOfList(list, keeps(snap, filter), q.offset, q.k);
      const similar = page.items.map(({ movieId, score }) => {
        const row = rowOf.get(movieId);
        return { movieId, ...snap.listed(movieId), score, count: row === undefined ? 0 : table.count[row] };
      });
      return { movieId: id, model: snap.version, source: snap.source('svd'), offset: q.offset, exhausted: page.exhausted, similar };
    });
  });

  return router;
}
