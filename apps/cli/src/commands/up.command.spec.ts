import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalRedis, localRedisRunning, stopLocalRedis } from '../local-redis';
import { runCli } from './cli-runner.fixtures';
import { interrupt, startUp, writeDataset } from './up-runner.fixtures';

// The real `movielens up` in a temporary working folder, as a user runs it: its own
// .movielens/ (local redis-server, API key), a tiny dataset folder, one compute worker.
const work = mkdtempSync(join(tmpdir(), 'movielens-up-'));
const baseDir = join(work, '.movielens');

afterAll(async () => {
  await stopLocalRedis({ baseDir });
  rmSync(work, { recursive: true, force: true });
});

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('movielens up (child process in a temporary working folder)', () => {
  let firstKey = '';

  it('keeps its API key in .movielens/api-key (0600), and Ctrl-C stops the redis-server it started', async () => {
    expect(await localRedisRunning({ baseDir })).toBe(false);
    const up = await startUp(work, [writeDataset(work)]);
    const keyFile = join(baseDir, 'api-key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    firstKey = readFileSync(keyFile, 'utf8').trim();
    expect(firstKey.length).toBeGreaterThanOrEqual(32);
    // The banner says where the key is, not the key itself.
    expect(up.stderr()).toContain('api-key');
    expect(up.stderr()).not.toContain(firstKey);
    // The API runs with that key: a write without it is refused, with it accepted.
    const jobs = (key?: string) => fetch(`http://127.0.0.1:${up.port}/api/v1/jobs`, { headers: key === undefined ? {} : { 'X-API-Key': key } }).then((r) => r.json() as Promise<{ jobs: { redacted: boolean }[] }>);
    expect((await jobs()).jobs[0].redacted).toBe(true);
    expect((await jobs(firstKey)).jobs[0].redacted).toBe(false);
    const redisPid = JSON.parse(readFileSync(join(baseDir, 'redis', 'server.json'), 'utf8')).pid as number;

    expect(await interrupt(up)).toBe(0);
    expect(up.stderr()).toMatch(/up: stopped the local redis-server it started \(pid \d+\)/);
    expect(pidAlive(redisPid)).toBe(false);
    expect(await localRedisRunning({ baseDir })).toBe(false);
  }, 200_000);

  it('reuses the kept key, and leaves a redis-server that was running before it alone', async () => {
    await ensureLocalRedis({ baseDir });
    // The data survived the stop (AOF): this start finds the dataset and model and is ready at once.
    const up = await startUp(work, []);
    expect(up.stderr()).not.toMatch(/ingest/i);
    expect(await interrupt(up)).toBe(0);
    expect(up.stderr()).toMatch(/up: the local redis-server was running before this command started: left running/);
    expect(await localRedisRunning({ baseDir })).toBe(true);
    expect(readFileSync(join(baseDir, 'api-key'), 'utf8').trim()).toBe(firstKey);
  }, 200_000);

  it('movielens key prints the kept key on stdout (and where it is kept on stderr)', () => {
    const run = runCli(['key'], { cwd: work });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${firstKey}\n`);
    expect(run.stderr).toMatch(/kept in \.movielens\/api-key/);
    expect(JSON.parse(runCli(['key', '--json'], { cwd: work }).stdout)).toMatchObject({ key: firstKey, source: 'file' });
  });
});
