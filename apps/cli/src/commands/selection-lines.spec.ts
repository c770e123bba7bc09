import { describe, expect, it } from 'vitest';
import type { SelectionInfo } from '@movielens/compute';
import { selectionLines } from './selection-lines';

const info: SelectionInfo = {
  split: { rule: "each user's last 10% of ratings by time", fraction: 0.1, trainRatings: 900, heldOutRatings: 100 },
  metric: 'ndcg@10',
  grid: [
    { kind: 'svd', algorithm: 'puresvd', params: { k: 10 }, ndcg: 0.2, precision: 0.15, ms: 1200 },
    { kind: 'ease', algorithm: 'ease', params: { easeLambda: 500 }, ndcg: 0.38512, precision: 0.28, ms: 3400 },
  ],
  tuned: { svd: { k: 10 }, ease: { easeLambda: 500 } },
  winner: { kind: 'ease', algorithm: 'ease', params: { easeLambda: 500 }, ndcg: 0.38512 },
};

describe('selectionLines', () => {
  it('names the winner and its score, the split, and with full every grid point with the winner starred', () => {
    const lines = selectionLines(info, { full: true });
    expect(lines[0]).toBe('selection ease (kind ease, easeLambda=500), ndcg@10 0.3851: the default recommendations');
    expect(lines[1]).toBe("          on each user's last 10% of ratings by time: 100 held out, 900 to fit");
    expect(lines[2]).toMatch(/^\s*kind\s+params\s+ndcg@10\s+precision@10\s+fit\+score$/);
    expect(lines[3]).toMatch(/^\s+svd\s+k=10\s+0\.2000\s+0\.1500\s+1\.2 s$/);
    expect(lines[4]).toMatch(/^\s*\*\s+ease\s+easeLambda=500\s+0\.3851\s+0\.2800\s+3\.4 s$/);
  });

  it("by default shows each kind's best grid point and how many it tried, and says how to list them all", () => {
    const grid: SelectionInfo['grid'] = [
      { kind: 'svd', algorithm: 'puresvd', params: { k: 10 }, ndcg: 0.2, precision: 0.15, ms: 1200 },
      { kind: 'ease', algorithm: 'ease', params: { easeLambda: 100 }, ndcg: 0.3, precision: 0.2, ms: 3000 },
      { kind: 'svd', algorithm: 'puresvd', params: { k: 50 }, ndcg: 0.25, precision: 0.16, ms: 1500 },
      { kind: 'ease', algorithm: 'ease', params: { easeLambda: 500 }, ndcg: 0.38512, precision: 0.28, ms: 3400 },
      { kind: 'ials', algorithm: 'ials', params: { ialsAlpha: 3 }, ndcg: null, precision: null, ms: 0 },
      { kind: 'svd', algorithm: 'puresvd', params: { k: 100 }, ndcg: null, precision: null, ms: 900 },
    ];
    const lines = selectionLines({ ...info, grid });
    expect(lines[2]).toMatch(/^\s*kind\s+params\s+best of\s+ndcg@10\s+precision@10\s+fit\+score$/);
    expect(lines[3]).toMatch(/^\s+svd\s+k=50\s+3\s+0\.2500\s+0\.1600\s+1\.5 s$/);
    expect(lines[4]).toMatch(/^\s*\*\s+ease\s+easeLambda=500\s+2\s+0\.3851\s+0\.2800\s+3\.4 s$/);
    expect(lines[5]).toMatch(/^\s+ials\s+ialsAlpha=3\s+1\s+-\s+-\s+0\.0 s$/);
    expect(lines[6]).toBe("          each kind's best of 6 grid points; `movielens status --grid` lists every one");
    expect(lines).toHaveLength(7);
    // One point per kind: nothing to hide, no hint.
    expect(selectionLines(info)).toHaveLength(5);
  });

  it('says when nothing won', () => {
    expect(selectionLines({ ...info, grid: [], winner: null })[0]).toBe('selection no winner: no ranking kind scored on the validation split');
  });
});
