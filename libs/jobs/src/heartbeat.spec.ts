import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHeartbeat } from './heartbeat';

describe('startHeartbeat', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'heartbeat-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('touches the file while every connection is ready', () => {
    const file = join(dir, 'ok');
    const stop = startHeartbeat({ file, connections: [{ status: 'ready' }, { status: 'ready' }], intervalMs: 60_000 });
    stop();
    expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(5000);
  });

  it('does not touch the file while a connection is down', () => {
    const file = join(dir, 'down');
    const stop = startHeartbeat({ file, connections: [{ status: 'ready' }, { status: 'reconnecting' }], intervalMs: 60_000 });
    stop();
    expect(() => statSync(file)).toThrow(/ENOENT/);
    expect(statSync(dir).isDirectory()).toBe(true);
  });
});
