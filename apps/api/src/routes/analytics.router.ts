import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps';
import { sendModelAnswer } from '../middleware/cache';
import { notFound } from '../middleware/errors';
import { parseInput } from '../middleware/validate';
import { rankByColumn, rankGenderGap } from '../services/rankings';

const limit = z.coerce.number().int().min(1).max(100).default(20);
const minRatingsQuery = z.object({ minRatings: z.coerce.number().int().min(1).max(1_000_000).default(100), limit });
const limitQuery = z.object({ limit });
const genderGapQuery = z.object({
  direction: z.enum(['women', 'men']).default('women'),
  minPerGender: z.coerce.number().int().min(1).max(1_000_000).default(50),
  limit,
});

/** Precomputed tables served as stored (JSON written by the rebuild's analytics step). */
const STORED_TABLES = ['distribution', 'by-age', 'by-occupation', 'by-genre'] as const;

/** `/analytics/*`: rankings computed at request time from the model's movie stats, and stored tables. */
export function analyticsRouter({ readModel, models }: AppDeps): Router {
  const router = Router();

  router.get('/analytics/top-rated', async (req, res) => {
    const q = parseInput(minRatingsQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `top-rated:${q.minRatings}:${q.limit}`, async () => ({
      model: snap.version,
      minRatings: q.minRatings,
      movies: rankByColumn(snap, (await snap.stats()).table, { by: 'means', minCount: q.minRatings, limit: q.limit }),
    }));
  });

  router.get('/analytics/most-rated', async (req, res) => {
    const q = parseInput(limitQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `most-rated:${q.limit}`, async () => ({
      model: snap.version,
      movies: rankByColumn(snap, (await snap.stats()).table, { by: 'counts', minCount: 1, limit: q.limit }),
    }));
  });

  router.get('/analytics/divisive', async (req, res) => {
    const q = parseInput(minRatingsQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `divisive:${q.minRatings}:${q.limit}`, async () => {
      const { table } = await snap.stats();
      if (table.stds === undefined) throw notFound(`Model ${snap.version} has no rating spread per movie (stds); rebuild with a newer compute worker.`);
      return { model: snap.version, minRatings: q.minRatings, movies: rankByColumn(snap, table, { by: 'stds', minCount: q.minRatings, limit: q.limit }) };
    });
  });

  router.get('/analytics/gender-gap', async (req, res) => {
    const q = parseInput(genderGapQuery, req, 'query');
    const snap = await readModel.current();
    await sendModelAnswer(req, res, snap, `gender-gap:${q.direction}:${q.minPerGender}:${q.limit}`, async () => {
      const { table } = await snap.stats();
      if (table.meansF === undefined || table.meansM === undefined || table.countsF === undefined || table.countsM === undefined) {
        throw notFound(`Model ${snap.version} has no per-gender statistics (the dataset may lack users).`);
      }
      return { model: snap.version, direction: q.direction, minPerGender: q.minPerGender, movies: rankGenderGap(snap, table, q) };
    });
  });

  for (const name of STORED_TABLES) {
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
