import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFile } from '@movielens/core';
import { runCli } from './cli-runner.fixtures';

// The real command line, as a user runs it; generate needs no Redis.
let dir: string;

function cli(...args: string[]) {
  return runCli(args);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'movielens-generate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('movielens generate (child process)', () => {
  it('writes ML-1M-format files that parse cleanly and reports them in --json', async () => {
    const out = join(dir, 'small');
    const run = cli('generate', '--shape', 'ml-1m', '--out', out, '--seed', '7', '--ratings', '20000', '--users', '200', '--movies', '500', '--json');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ shape: 'ml-1m', seed: 7, counts: { ratings: 20000, users: 200, movies: 500 } });
    expect(result.files.map((f: { name: string }) => f.name)).toEqual(['ratings.dat', 'movies.dat', 'users.dat']);
    expect(readdirSync(out).sort()).toEqual(['movies.dat', 'ratings.dat', 'users.dat']);
    const ratings = await parseFile('ratings.dat', createReadStream(join(out, 'ratings.dat')));
    expect(ratings.kind === 'ratings' && ratings.result.table.length).toBe(20000);
    const again = cli('generate', '--shape', 'ml-1m', '--out', join(dir, 'again'), '--seed', '7', '--ratings', '20000', '--users', '200', '--movies', '500');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('ratings.dat');
    expect(readFileSync(join(dir, 'again', 'ratings.dat')).equals(readFileSync(join(out, 'ratings.dat')))).toBe(true);
  });

  it('rejects an unknown shape and impossible sizes with exit code 1, writing nothing', () => {
    const bad = cli('generate', '--shape', 'ml-10m', '--out', join(dir, 'bad'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--shape must be one of ml-1m, ml-100k, ml-25m, got 'ml-10m'");
    const tooMany = cli('generate', '--shape', 'ml-100k', '--out', join(dir, 'bad'), '--ratings', '1000000', '--users', '10', '--movies', '10');
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('--ratings 1000000 is too many');
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });
});
