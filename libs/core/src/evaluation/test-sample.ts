/**
 * A seeded sample of a test set's users: model selection scores every candidate by ranking the
 * whole catalogue for each held-out user, so its cost grows with users x movies per candidate
 * (on the ML-1M shape most of a fit's time); a fixed sample of users bounds it while the
 * comparison between candidates stays on the same users.
 */
import { Random } from '../random';
import type { TestSet } from './cross-validate';

/**
 * The rows of `test` (grouped by user, as `groupTest` returns it) of at most `maxUsers` of its
 * users, drawn uniformly without replacement with `seed` (the same seed and test set give the
 * same users); `test` itself when it has no more users than that. Rows of unknown users (-1)
 * are dropped with a sample, as the ranking metrics skip them anyway.
 */
export function sampleTestUsers(test: TestSet, maxUsers: number, seed: number): TestSet {
  const users: number[] = [];
  for (let t = 0; t < test.users.length; t++) if (test.users[t] >= 0 && (users.length === 0 || users[users.length - 1] !== test.users[t])) users.push(test.users[t]);
  if (users.length <= maxUsers) return test;
  // Partial Fisher-Yates: the first `maxUsers` positions end up a uniform sample.
  const random = new Random(seed);
  for (let i = 0; i < maxUsers; i++) {
    const j = i + random.int(users.length - i);
    [users[i], users[j]] = [users[j], users[i]];
  }
  const keep = new Set(users.slice(0, maxUsers));
  const rows: number[] = [];
  for (let t = 0; t < test.users.length; t++) if (keep.has(test.users[t])) rows.push(t);
  return {
    users: Int32Array.from(rows, (t) => test.users[t]),
    movies: Int32Array.from(rows, (t) => test.movies[t]),
    ratings: Float32Array.from(rows, (t) => test.ratings[t]),
  };
}
