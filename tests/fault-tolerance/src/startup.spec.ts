import { afterEach, describe, expect, it } from 'vitest';
import { ProcessSet, AppScript } from './harness/processes';

describe('start-up with a bad environment', () => {
  const procs = new ProcessSet();
  afterEach(async () => procs.stopAll());

  it('every process type refuses to start, naming each bad variable on its own line, with exit code 2', async () => {
    const env = { KEY_PREFIX: 'bad prefix!', REDIS_CLUSTER: 'maybe', LOG_LEVEL: 'info' };
    const started = (Object.keys(AppScript) as (keyof typeof AppScript)[])
      .filter((name) => name !== 'cli')
      .map((name) => procs.node(name, AppScript[name], { env }));
    const exits = await Promise.all(started.map((p) => p.exited));
    for (const [i, p] of started.entries()) {
      expect(exits[i], p.tail()).toEqual({ code: 2, signal: null });
      expect(p.lines[0]).toBe('Invalid configuration:');
      expect(p.lines.some((l) => /^ {2}KEY_PREFIX: letters, digits/.test(l)), p.tail()).toBe(true);
      expect(p.lines.some((l) => /^ {2}REDIS_CLUSTER: /.test(l)), p.tail()).toBe(true);
      // A message for people, not a crash: no stack trace.
      expect(p.lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    }
  });
});
