import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { evaluateNextMovie, parseFile } from '@movielens/core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-runner.fixtures';

// The real command line, as a user runs it. `evaluate` needs no Redis: it reads files only.
let dir: string;

function cli(...args: string[]) {
  return runCli(args);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'movielens-evaluate-'));
  // A small synthetic ML-100K-shaped set from the real generator (1,500 ratings).
  const generated = cli('generate', '--shape', 'ml-100k', '--out', join(dir, 'small'), '--ratings', '1500', '--users', '60', '--movies', '90', '--json');
  expect(generated.code, generated.stderr).toBe(0);
  writeFileSync(join(dir, 'u.data'), '1\t1\t5\t881250949\n1\t2\tfive\t881250950\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('movielens evaluate (child process)', () => {
  it('prints one JSON result row per algorithm with every metric for 2 folds', () => {
    const out = cli('evaluate', join(dir, 'small'), '--folds', '2', '--json');
    expect(out.code, out.stderr).toBe(0);
    const parsed = JSON.parse(out.stdout) as { folds: number; results: Record<string, unknown>[] };
    expect(parsed.folds).toBe(2);
    expect(parsed.results.map((r) => r.algorithm)).toEqual(['global-mean', 'movie-mean', 'popularity', 'baseline', 'puresvd', 'ease', 'rp3beta', 'ials', 'mf']);
    for (const row of parsed.results) {
      for (const key of ['rmse', 'mae', 'precision@10', 'recall@10', 'ndcg@10', 'coverage', 'fitSeconds']) {
        expect(typeof row[key], `${String(row.algorithm)} ${key}`).toBe('number');
      }
      expect(row.rmse as number).toBeGreaterThan(0);
      expect(row.rmse as number).toBeLessThan(4);
    }
  });

  it('runs only the requested algorithms and prints a table in human mode', () => {
    const out = cli('evaluate', join(dir, 'small'), '--folds', '2', '--algorithms', 'baseline,popularity');
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout.trim().split('\n');
    expect(lines.some((l) => l.startsWith('algorithm') && l.includes('RMSE') && l.includes('NDCG@10'))).toBe(true);
    expect(lines.filter((l) => /^(baseline|popularity) /.test(l))).toHaveLength(2);
  });

  it('fails with exit code 1 naming the file, line and reason for a bad ratings line', () => {
    const out = cli('evaluate', dir, '--folds', '2');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/u\.data:2/);
  });

  it('rejects an unknown algorithm and --official without the split files', () => {
    expect(cli('evaluate', join(dir, 'small'), '--algorithms', 'knn').stderr).toMatch(/unknown algorithm knn/);
    expect(cli('evaluate', join(dir, 'small'), '--official').stderr).toMatch(/missing u1\.base/);
  });

  it('--task next-movie prints leave-last-out HR@10 and NDCG@10 rows equal to the core evaluation', async () => {
    const out = cli('evaluate', join(dir, 'small'), '--task', 'next-movie', '--algorithms', 'popularity,last-item-similar', '--json');
    expect(out.code, out.stderr).toBe(0);
    const parsed = JSON.parse(out.stdout) as { task: string; results: { algorithm: string; 'hr@10': number; 'ndcg@10': number; fitSeconds: number }[] };
    expect(parsed.task).toBe('next-movie');
    expect(parsed.results.map((r) => r.algorithm)).toEqual(['popularity', 'last-item-similar']);
    const parsedFile = await parseFile('u.data', createReadStream(join(dir, 'small', 'u.data')));
    if (parsedFile.kind !== 'ratings') throw new Error('expected ratings');
    const direct = await evaluateNextMovie(parsedFile.result.table, { algorithms: ['popularity', 'last-item-similar'], seed: 42 });
    for (const [i, row] of parsed.results.entries()) {
      expect(row['hr@10']).toBeCloseTo(direct[i]['hr@10'], 12);
      expect(row['ndcg@10']).toBeCloseTo(direct[i]['ndcg@10'], 12);
      expect(row.fitSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(cli('evaluate', join(dir, 'small'), '--task', 'next-movie', '--folds', '2').stderr).toMatch(/leave-last-out/);
  });

  it('--task next-movie --json gives mf and lstm rows with exactly algorithm, hr@10, ndcg@10, fitSeconds (then users)', () => {
    // One LSTM epoch on 1,500 ratings: a second or two; the row shape, not the accuracy, is tested.
    const out = cli('evaluate', join(dir, 'small'), '--task', 'next-movie', '--algorithms', 'mf,lstm', '--lstm-epochs', '1', '--lstm-size', '8', '--lstm-negatives', '12', '--json');
    expect(out.code, out.stderr).toBe(0);
    const parsed = JSON.parse(out.stdout) as { task: string; seed: number; results: Record<string, unknown>[] };
    expect(parsed).toMatchObject({ task: 'next-movie', seed: 42 });
    expect(parsed.results.map((r) => r.algorithm)).toEqual(['mf', 'lstm']);
    for (const row of parsed.results) {
      // `users` is the one extra key, documented in docs/EVALUATION.md.
      expect(Object.keys(row)).toEqual(['algorithm', 'hr@10', 'ndcg@10', 'fitSeconds', 'users']);
      for (const key of ['hr@10', 'ndcg@10']) {
        expect(row[key] as number, `${String(row.algorithm)} ${key}`).toBeGreaterThanOrEqual(0);
        expect(row[key] as number, `${String(row.algorithm)} ${key}`).toBeLessThanOrEqual(1);
      }
      expect(row.fitSeconds as number).toBeGreaterThan(0);
      // Every synthetic user has >= 2 ratings, so all 60 are evaluated.
      expect(row.users).toBe(60);
    }
  });

  it('rejects --lstm-epochs, --lstm-size or --lstm-negatives that is not a whole number >= 1, or without --task next-movie', () => {
    expect(cli('evaluate', join(dir, 'small'), '--task', 'next-movie', '--lstm-epochs', '0').stderr).toMatch(/--lstm-epochs must be a whole number >= 1/);
    expect(cli('evaluate', join(dir, 'small'), '--task', 'next-movie', '--lstm-size', 'x').stderr).toMatch(/--lstm-size must be a whole number >= 1/);
    expect(cli('evaluate', join(dir, 'small'), '--task', 'next-movie', '--lstm-negatives', '0').stderr).toMatch(/--lstm-negatives must be a whole number >= 1/);
    for (const option of ['--lstm-epochs', '--lstm-size', '--lstm-negatives']) {
      expect(cli('evaluate', join(dir, 'small'), option, '2').stderr).toMatch(/--lstm-epochs, --lstm-size and --lstm-negatives apply to --task next-movie only/);
    }
  });
});
