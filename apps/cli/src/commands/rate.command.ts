import { randomUUID } from 'node:crypto';
import { liveRatingsAccepted, type LiveRatingsRequest } from '@movielens/contracts';
import { apiBase, callApi, DEFAULT_API } from '../api-client';
import type { Command } from '../command';
import { localApiKey } from '../api-key';

/** Attempts of one rating request (network errors and 5xx answers are retried with the same Idempotency-Key). */
const ATTEMPTS = 3;

/** A positive integer argument, or a usage error naming it. */
function positiveInt(value: string | undefined, name: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n <= 0) throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(value ?? '')} (see movielens rate --help)`);
  return n;
}

/**
 * `movielens rate`: posts one live rating (or deletes one) through the API, with an
 * Idempotency-Key so that retrying after a lost answer applies it once.
 */
export const rateCommand: Command = {
  name: 'rate',
  summary: 'Rate a movie for a user now, through the API (shown in their recommendations at once)',
  usage: [
    'Usage: movielens rate <userId> <movieId> <stars> [--timestamp S] [--api URL]',
    '       movielens rate <userId> <movieId> --delete [--api URL]',
    '',
    'Sends POST /api/v1/users/<userId>/ratings (or DELETE .../ratings/<movieId>) with the local',
    'API key (API_KEY, else .movielens/api-key, see `movielens key`). The stars must be on the',
    'current dataset\'s scale (1..5 whole stars for ML-100K/ML-1M, 0.5 steps for CSV releases).',
    'A network error or a 5xx answer is retried twice with the same Idempotency-Key: the rating',
    'is applied once however often it is sent.',
    '',
    '  --timestamp S  unix time of the rating, s (default: when the API accepts it)',
    '  --delete       remove the user\'s rating of the movie instead',
    '  --api URL      the API (default http://localhost:3000)',
    '  --json         { userId, entry, changes: [{ movieId, rating, timestamp }] }',
  ].join('\n'),
  options: {
    timestamp: { type: 'string' },
    delete: { type: 'boolean', default: false },
    api: { type: 'string', default: DEFAULT_API },
  },
  async run(ctx) {
    const [user, movie, stars] = ctx.args.positionals;
    const userId = positiveInt(user, 'userId');
    const movieId = positiveInt(movie, 'movieId');
    const remove = ctx.args.values.delete === true;
    if (!remove && (stars === undefined || !Number.isFinite(Number(stars)))) throw new Error(`stars: expected a number of stars, got ${JSON.stringify(stars ?? '')} (or --delete)`);
    const timestamp = ctx.args.values.timestamp === undefined ? undefined : positiveInt(String(ctx.args.values.timestamp), '--timestamp');
    const base = apiBase(ctx.args.values.api);
    const url = remove ? `${base}/api/v1/users/${userId}/ratings/${movieId}` : `${base}/api/v1/users/${userId}/ratings`;
    const headers: Record<string, string> = { 'X-API-Key': localApiKey().key, 'Idempotency-Key': randomUUID() };
    const rating: LiveRatingsRequest = { movieId, rating: Number(stars), timestamp };
    const init: RequestInit = remove ? { method: 'DELETE', headers } : { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(rating) };
    const answer = await callApi(url, init, { what: 'rate', okStatus: 202, answer: liveRatingsAccepted, attempts: ATTEMPTS });
    const change = answer.changes[0];
    ctx.print(change.rating === null ? `user ${userId}: rating of movie ${movieId} deleted (entry ${answer.entry})` : `user ${userId}: movie ${movieId} rated ${change.rating} (entry ${answer.entry})`);
    return answer;
  },
};
