/**
 * The reference the similar-users tests compare with: each user's most similar users by the
 * definition (cosine of binary rating rows: movies in common / sqrt(product of their counts)),
 * computed directly from the rating table with sets, independent of the core's index walk.
 */
import type { RatingTable } from '@movielens/core';

/** The `k` users most like `userId` (ties: lower id), with their cosine and movies in common; users sharing no movie are left out. */
export function directSimilarUsers(ratings: RatingTable, userId: number, k: number): { userId: number; score: number; common: number }[] {
  const byUser = new Map<number, Set<number>>();
  for (let i = 0; i < ratings.length; i++) {
    const u = ratings.users[i];
    if (!byUser.has(u)) byUser.set(u, new Set());
    byUser.get(u)!.add(ratings.movies[i]);
  }
  const mine = byUser.get(userId)!;
  return [...byUser]
    .filter(([v]) => v !== userId)
    .map(([v, theirs]) => {
      const common = [...mine].filter((m) => theirs.has(m)).length;
      return { userId: v, score: common / Math.sqrt(mine.size * theirs.size), common };
    })
    .filter((x) => x.common > 0)
    .sort((a, b) => b.score - a.score || a.userId - b.userId)
    .slice(0, k);
}
