import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce } from './debounce';

describe('debounce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs once with the last arguments after the calls stop', () => {
    const calls: string[] = [];
    const d = debounce((q: string) => calls.push(q), 250);
    d('t');
    vi.advanceTimersByTime(100);
    d('to');
    vi.advanceTimersByTime(100);
    d('toy');
    vi.advanceTimersByTime(249);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['toy']);
  });

  it('drops a pending call on cancel', () => {
    const calls: number[] = [];
    const d = debounce((n: number) => calls.push(n), 50);
    d(1);
    d.cancel();
    vi.advanceTimersByTime(100);
    expect(calls).toEqual([]);
  });
});
