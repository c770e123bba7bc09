import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { deleteRatingParams as deleteParams, liveRating, liveRatingList } from '@movielens/contracts';
import { entryTimeMs, type LiveChange } from '@movielens/store';
import type { AppDeps } from '../deps';
import { requireApiKey } from '../middleware/auth';
import { HttpError } from '../middleware/errors';
import { parseInput } from '../middleware/validate';
import { RatingRulesCache, type RatingRules } from '../services/rating-rules';
import { idParams } from './params';

/** Ratings posted per client per rate window when the settings give none: 600,000 a minute (10,000/s). */
export const DEFAULT_RATINGS_RATE_LIMIT = 600_000;

/**
 * One rating object, or a list of 1..1000 of them, chosen by the body's shape (a zod union
 * would only say `body: Invalid input`; choosing first lets the 400 name the bad field).
 */
function ratingsBody(raw: unknown) {
  return Array.isArray(raw) ? liveRatingList : liveRating.transform((r) => [r]);
}

/** `Idempotency-Key`: 1..200 printable ASCII characters, optional. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The request's Idempotency-Key, or undefined when it sent none; 400 when it is malformed. */
function idempotencyKey(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) throw new HttpError(400, 'BAD_REQUEST', 'header Idempotency-Key: expected 1 to 200 printable ASCII characters (no spaces), e.g. a UUID');
  return key;
}

/** Checks each rating against the current dataset's rules; the 400 names every bad field (first five). */
function checkAgainst(rules: RatingRules, ratings: readonly { movieId: number; rating: number }[]): void {
  const reasons: string[] = [];
  ratings.forEach((r, i) => {
    const at = ratings.length === 1 ? 'body' : `body[${i}]`;
    if (!rules.knows(r.movieId)) reasons.push(`${at}.movieId: movie ${r.movieId} is not in the current dataset (version ${rules.datasetVersion})`);
    const off = rules.offScale(r.rating);
    if (off !== null) reasons.push(`${at}.rating: ${off}`);
  });
  if (reasons.length > 0) throw new HttpError(400, 'BAD_REQUEST', reasons.slice(0, 5).join('; '));
}

/**
 * `/users/:id/ratings`: live ratings. `POST` takes one `{ movieId, rating, timestamp? }` or a
 * list of them; `DELETE /users/:id/ratings/:movieId` removes one. Each accepted request is
 * written once to the live log (durable before the 202), shown in the user's answers at once,
 * and applied to the next dataset version. With an `Idempotency-Key`, a retry of the same
 * request answers the same (header `Idempotent-Replayed: true`); the key with another body is 422.
 * Guarded by the API key; failed key checks count against the write limit, accepted ratings
 * against their own (`ratingsRateLimit`), so a service can post thousands a second.
 */
export function ratingsRouter({ datasets, live, liveEpochs, settings }: AppDeps): Router {
  const router = Router();
  const rules = new RatingRulesCache(datasets);
  // Only a failed key check passes through this limiter, once it failed: counting every request
  // and handing successes back (skipSuccessfulRequests) would refuse more than `writeRateLimit`
  // requests in flight at once, however valid their key.
  const keyFailures = rateLimit({
    windowMs: settings.writeRateWindowMs,
    limit: settings.writeRateLimit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpError(429, 'RATE_LIMITED', `Too many requests with a missing or wrong API key: at most ${settings.writeRateLimit} per ${Math.round(settings.writeRateWindowMs / 1000)} s. Retry later.`)),
  });
  const checkKey = requireApiKey(settings.apiKey);
  const keyGuard: RequestHandler = (req, res, next) =>
    checkKey(req, res, (err?: unknown) => (err === undefined ? next() : keyFailures(req, res, (limited?: unknown) => next(limited ?? err))));
  const ratingsLimit = settings.ratingsRateLimit ?? DEFAULT_RATINGS_RATE_LIMIT;
  const accepted = rateLimit({
    windowMs: settings.writeRateWindowMs,
    limit: ratingsLimit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new HttpError(429, 'RATE_LIMITED', `Too many rating requests: at most ${ratingsLimit} per ${Math.round(settings.writeRateWindowMs / 1000)} s. Retry later.`)),
  });
  const guard: RequestHandler[] = [keyGuard, accepted];

  /** Writes the changes once and answers 202 (or the replay, or 422). */
  async function accept(req: Request, res: Response, userId: number, changes: LiveChange[]): Promise<void> {
    const outcome = await live.append(userId, changes, idempotencyKey(req));
    if (outcome.status === 'conflict') {
      throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', `header Idempotency-Key: already used for another request of user ${userId} (log entry ${outcome.entry}); use a new key for a new request.`);
    }
    if (outcome.status === 'replay') res.setHeader('Idempotent-Replayed', 'true');
    // This process sees the change at once; the event to the others is not waited for (best effort, see LiveEpochs).
    else void liveEpochs.announce(userId, outcome.entry);
    const acceptedAt = Math.floor(entryTimeMs(outcome.entry) / 1000);
    res.status(202).json({
      userId,
      entry: outcome.entry,
      changes: changes.map((c) => ({ movieId: c.movieId, rating: c.rating, timestamp: c.timestamp ?? acceptedAt })),
    });
  }

  router.post('/users/:id/ratings', ...guard, express.json({ limit: '128kb' }), async (req, res) => {
    const { id } = parseInput(idParams, req, 'params');
    const ratings = parseInput(ratingsBody(req.body), req, 'body');
    checkAgainst(await rules.current(), ratings);
    await accept(req, res, id, ratings.map((r) => ({ movieId: r.movieId, rating: r.rating, timestamp: r.timestamp })));
  });

  router.delete('/users/:id/ratings/:movieId', ...guard, async (req, res) => {
    const { id, movieId } = parseInput(deleteParams, req, 'params');
    const current = await rules.current();
    if (!current.knows(movieId)) throw new HttpError(400, 'BAD_REQUEST', `params.movieId: movie ${movieId} is not in the current dataset (version ${current.datasetVersion})`);
    await accept(req, res, id, [{ movieId, rating: null }]);
  });
  return router;
}
