import { describe, expect, it } from 'vitest';
import { randomUserId } from './random-user';

describe('randomUserId', () => {
  it('never picks the current user when there is another, and covers every other one', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 5; i++) seen.add(randomUserId(5, 3, () => i / 5 + 0.01));
    // Draws 0.01..0.81 over the 4 others: 1, 2, 4, 5 (3 stepped over), each reachable.
    expect([...seen].sort()).toEqual([1, 2, 4, 5]);
    expect(randomUserId(5, 3, () => 0.999)).toBe(5);
    expect(randomUserId(5, 1, () => 0)).toBe(2);
  });

  it('is uniform over 1..users without a current user, and with a single user returns it', () => {
    expect(randomUserId(4, null, () => 0)).toBe(1);
    expect(randomUserId(4, null, () => 0.999)).toBe(4);
    expect(randomUserId(1, 1, () => 0.5)).toBe(1);
    // No user count known: the ML-100K size.
    expect(randomUserId(null, null, () => 0.999)).toBe(943);
  });
});
