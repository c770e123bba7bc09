import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@movielens/config';
import { KeySchema } from '@movielens/store';
import { testRedisClient } from '@movielens/test-support';
import type {} from '@movielens/test-support/global-setup';
import { LiveEpochs } from '../src/services/live-epochs';

const redis = testRedisClient();
afterAll(() => redis.quit());
const epochs = (maxUsers?: number) => new LiveEpochs(redis, new KeySchema('unused'), createLogger('test', 'silent'), maxUsers);

describe('LiveEpochs', () => {
  it("retires a user's cache scope when their live entry changes, and no one else's", () => {
    const e = epochs();
    const five = e.scope(5);
    const six = e.scope(6);
    expect(five.suffix).toBe(''); // nothing changed yet: keys and ETags as without live ratings
    e.saw(5, '1000-0');
    expect(five.current()).toBe(false);
    expect(six.current()).toBe(true);
    const again = e.scope(5);
    expect(again.suffix).toBe('@0:1000-0');
    e.saw(5, '999-7'); // an older entry heard late changes nothing
    expect(again.current()).toBe(true);
    e.saw(5, '1000-1');
    expect(again.current()).toBe(false);
  });

  it('past maxUsers, forgets them all and starts a new generation, so no forgotten user keeps a stale scope', () => {
    const e = epochs(2);
    e.saw(1, '10-0');
    e.saw(2, '11-0');
    const one = e.scope(1);
    const three = e.scope(3);
    e.saw(3, '12-0');
    expect(one.current()).toBe(false);
    expect(three.current()).toBe(false);
    expect(e.scope(1).suffix).toBe('@1:');
    expect(e.scope(3).suffix).toBe('@1:12-0');
  });
});
