/** The user "Surprise me" shows. */
/**
 * A uniformly random user id in 1..users (MovieLens numbers users from 1 without gaps), other
 * than `current` when there is another one (a surprise that shows the same user does nothing).
 */
export function randomUserId(users: number | null, current: number | null = null, random: () => number = Math.random): number {
  const n = users !== null && users > 0 ? users : 943;
  if (current === null || current < 1 || current > n || n === 1) return 1 + Math.floor(random() * n);
  // Uniform over the n - 1 others: draw from 1..n-1 and step over the current one.
  const pick = 1 + Math.floor(random() * (n - 1));
  return pick >= current ? pick + 1 : pick;
}
