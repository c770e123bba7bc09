import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ensureLocalRedis, localRedisRunning, stopLocalRedis } from './local-redis';

// A real background redis-server in a temp state folder (never the repository's .movielens/).
const baseDir = mkdtempSync(join(tmpdir(), 'movielens-local-'));

afterAll(async () => {
  await stopLocalRedis({ baseDir });
  rmSync(baseDir, { recursive: true, force: true });
});

describe('local redis-server', () => {
  it('starts once, is reused by later calls, and keeps its data (AOF) across down and up', async () => {
    const url = await ensureLocalRedis({ baseDir });
    const pid = JSON.parse(readFileSync(join(baseDir, 'redis', 'server.json'), 'utf8')).pid;
    expect(await ensureLocalRedis({ baseDir })).toBe(url);
    const client = new Redis(url);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    await client.set('kept', 'yes');
    await client.quit();

    expect(await stopLocalRedis({ baseDir })).toMatchObject({ pid });
    expect(await stopLocalRedis({ baseDir })).toBeNull();

    const again = new Redis(await ensureLocalRedis({ baseDir }));
    expect(await again.get('kept')).toBe('yes');
    await again.quit();
  });

  it('takes a server.json of another shape (a hand edit, a cut write) as no server, without crashing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'movielens-corrupt-'));
    try {
      mkdirSync(join(dir, 'redis'));
      for (const text of ['{"pid":"12","port":6379}', '{"pid":12}', '[1,2]', '{"pid":12,"port":70000}', '{"pid":']) {
        writeFileSync(join(dir, 'redis', 'server.json'), text);
        expect(await localRedisRunning({ baseDir: dir }), text).toBe(false);
        expect(await stopLocalRedis({ baseDir: dir }), text).toBeNull();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
