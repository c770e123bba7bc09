import { describe, expect, it } from 'vitest';
import { autoParts, rebuildParamsSchema } from './rebuild.job';

describe('rebuild params', () => {
  it('defaults parts to 0 (by size), and sizes it 8 for ML-1M, 64 for the ML-25M shape, growing in between', () => {
    expect(rebuildParamsSchema.parse({}).parts).toBe(0);
    expect(autoParts(6040, 3706)).toBe(8);
    expect(autoParts(162_541, 59_047)).toBe(64);
    expect(autoParts(138_493, 26_744)).toBe(25);
    expect(autoParts(1, 1)).toBe(8);
  });

  it('refuses negative or oversized parts', () => {
    expect(rebuildParamsSchema.safeParse({ parts: -1 }).success).toBe(false);
    expect(rebuildParamsSchema.safeParse({ parts: 257 }).success).toBe(false);
  });
});
