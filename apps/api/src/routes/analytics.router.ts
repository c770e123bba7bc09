import { Router } from 'express';
import { genderGapQuery, minRatingsQuery, rankingLimitQuery as limitQuery, STORED_TABLES, type StoredTableName } from '@movielens/contracts';
import { rankMovies, recentlyPopular, type RankOptions } from '@movielens/core';
import { hasMovieStatsColumns, type MovieStatsColumn } from '@movielens/store';
import type { AppDeps } from '../deps';
import { sendModelAnswer } from '../middleware/cache';
import { notFound } from '../middleware/errors';
import { parseInput } from '../middleware/validate';
import type { ModelSnapshot } from '../services/model-snapshot';

/** "Recently popular" counts the ratings of the newest tenth of the dataset's timeline. */
const RECENT_SHARE = 0.1;

/** Ranks with core `rankMovies` on the version's stats and adds titles and means. */
async function ranking(snap: ModelSnapshot, options: RankOptions, needs: MovieStatsColumn[]) {
  const { raw, table } = await snap.stats();
  if (!hasMovieStatsColumns(raw, ...needs)) throw notFound(`Model ${snap.version} has no ${needs.join('/')} statistics per movie; rebuild it with the current compute worker.`);
  return rankMovies(table, options).map((r) => ({
    movieId: r.movieId,
    ...snap.listed(r.movieId),
    value: r.value,
    count: r.count,
    mean: table.mean[r.index],
    ...(options.by === 'gap' ? { meanWomen: table.femaleMean[r.index], meanMen: table.maleMean[r.index] } : {}),
  }));
}

/** `/analytics/*`: rankings computed at request time from the model's movie stats, and stored group tables. */
export function analyticsRouter({ readModel, models, datasets }: AppDeps): Router {
  const router = Router();

  router.get('/analytics/recently-popular', async (req, res) => {
    const q = parseInput(limitQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `recently-popular:${q.limit}`, async () => {
      // One pass over the version's ratings, once per version (the limit only cuts the list).
      const recent = await snap.memo('recently-popular', async () => recentlyPopular(await datasets.loadRatings(snap.meta.datasetVersion), { share: RECENT_SHARE, limit: 100 }));
      if (recent === null) throw notFound(`Model ${snap.version} has no ratings.`);
      const { table, rowOf } = await snap.stats();
      return {
        model: snap.version,
        by: `ratings among the newest ${RECENT_SHARE * 100}% of the dataset's ratings`,
        since: new Date(recent.since * 1000).toISOString(),
        until: new Date(recent.until * 1000).toISOString(),
        ratings: recent.ratings,
        movies: recent.movies.slice(0, q.limit).map(({ movieId, count }) => {
          const row = rowOf.get(movieId);
          return { movieId, ...snap.listed(movieId), value: count, count: row === undefined ? count : table.count[row], mean: row === undefined ? null : table.mean[row] };
        }),
      };
    });
  });

  router.get('/analytics/top-rated', async (req, res) => {
    const q = parseInput(minRatingsQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `top-rated:${q.minRatings}:${q.limit}`, async () => ({
      model: snap.version,
      by: 'mean',
      minRatings: q.minRatings,
      movies: await ranking(snap, { by: 'mean', minCount: q.minRatings, limit: q.limit }, ['count', 'mean']),
    }));
  });

  router.get('/analytics/most-rated', async (req, res) => {
    const q = parseInput(limitQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `most-rated:${q.limit}`, async () => ({
      model: snap.version,
      by: 'count',
      movies: await ranking(snap, { by: 'count', minCount: 1, limit: q.limit }, ['count', 'mean']),
    }));
  });

  router.get('/analytics/divisive', async (req, res) => {
    const q = parseInput(minRatingsQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `divisive:${q.minRatings}:${q.limit}`, async () => ({
      model: snap.version,
      by: 'std',
      minRatings: q.minRatings,
      movies: await ranking(snap, { by: 'std', minCount: q.minRatings, limit: q.limit }, ['count', 'mean', 'std']),
    }));
  });

  router.get('/analytics/gender-gap', async (req, res) => {
    const q = parseInput(genderGapQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `gender-gap:${q.direction}:${q.minPerGender}:${q.limit}`, async () => ({
      model: snap.version,
      by: 'gap (women mean - men mean)',
      direction: q.direction,
      minPerGender: q.minPerGender,
      movies: await ranking(
        snap,
        { by: 'gap', minCount: q.minPerGender, direction: q.direction === 'women' ? 'desc' : 'asc', limit: q.limit },
        ['count', 'mean', 'femaleCount', 'femaleMean', 'maleCount', 'maleMean'],
      ),
    }));
  });

  // Group tables served as the analytics kind stored them, decoded by the store with the
  // contracts' schemas (an older build's combined groups table included).
  for (const name of Object.keys(STORED_TABLES) as StoredTableName[]) {
    router.get(`/analytics/${name}`, async (req, res) => {
      const snap = await readModel.current();
      await sendModelAnswer(req, res, snap, `analytics:${name}`, async () => {
        const data = await models.analytics(snap.version, name);
        if (data === null) throw notFound(`Model ${snap.version} has no ${name} table.`);
        return { model: snap.version, [name]: data };
      });
    });
  }

  return router;
}
