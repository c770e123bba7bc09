import { describe, expect, it } from 'vitest';
import type { TestSet } from './cross-validate';
import { sampleTestUsers } from './test-sample';

// A test set of 50 users with u+1 rows each (user -1 first, as groupTest sorts it): the sample's
// expected rows are those of the users it names, checked row by row against the input.

function testSet(): TestSet {
  const users: number[] = [-1, -1];
  for (let u = 0; u < 50; u++) for (let r = 0; r <= u % 4; r++) users.push(u);
  return { users: Int32Array.from(users), movies: Int32Array.from(users, (_, i) => i), ratings: Float32Array.from(users, (_, i) => 1 + (i % 5)) };
}

describe('sampleTestUsers', () => {
  it('returns the test set itself when it has no more users than the cap', () => {
    const t = testSet();
    expect(sampleTestUsers(t, 50, 1)).toBe(t);
  });

  it('keeps every row of exactly maxUsers users, in order, the same for the same seed', () => {
    const t = testSet();
    const s = sampleTestUsers(t, 10, 7);
    const users = new Set(s.users);
    expect(users.size).toBe(10);
    expect(users.has(-1)).toBe(false);
    const want = Array.from(t.users.keys()).filter((i) => users.has(t.users[i]));
    expect(Array.from(s.movies)).toEqual(want.map((i) => t.movies[i]));
    expect(Array.from(s.ratings)).toEqual(want.map((i) => t.ratings[i]));
    expect(Array.from(s.users)).toEqual([...s.users].sort((a, b) => a - b));
    expect(sampleTestUsers(t, 10, 7)).toEqual(s);
    expect(Array.from(new Set(sampleTestUsers(t, 10, 8).users))).not.toEqual(Array.from(users));
  });
});
