/**
 * Load generators of bench/api.bench.ts. `wrk` runs as its own process (C, one thread), so
 * the generator costs the shared 2 cores far less than the server it measures; autocannon,
 * in the bench's own Node process, is the fallback when wrk is not installed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** The wrk script: random ids from a file, one JSON summary line. */
const LUA = fileURLToPath(new URL('./api-random-ids.lua', import.meta.url));

/** One measurement of one target. Latencies in ms. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  /** Socket errors and timeouts. */
  errors: number;
  /** Answers with a status outside 2xx/3xx. */
  non2xx: number;
}

/** What to load: a base URL and either a fixed path or a path template with `{id}` and the ids to draw from. */
export interface LoadTarget {
  url: string;
  path: string;
  /** File with one id per line; each request substitutes a uniformly random one for `{id}`. */
  idsFile?: string;
}

/** Which generator runs: wrk when installed, else autocannon (with a note on how to install wrk). */
export function loadGenerator(): 'wrk' | 'autocannon' {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return 'wrk';
  } catch (err) {
    // `wrk --version` prints its usage and exits 1: that still means it is installed.
    if ((err as { status?: number }).status === 1) return 'wrk';
    console.error('wrk is not installed (Debian/Ubuntu: `apt-get install -y wrk`); falling back to autocannon in this process, which shares the cores with the server.');
    return 'autocannon';
  }
}

/** Writes ids one per line to `path` (the wrk script's list). */
export function writeIds(path: string, ids: number[]): void {
  writeFileSync(path, `${ids.join('\n')}\n`);
}

/** Runs wrk with 1 thread and `connections` connections for `seconds`. */
async function runWrk(target: LoadTarget, connections: number, seconds: number): Promise<LoadResult> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', LUA, `${target.url}${target.idsFile === undefined ? target.path : ''}`];
  if (target.idsFile !== undefined) args.push('--', target.idsFile, target.path);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (b: Buffer) => (text += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}:\n${text}`))));
  });
  const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
  if (line === undefined) throw new Error(`wrk printed no summary:\n${out}`);
  const s = JSON.parse(line.slice('WRK_JSON '.length)) as Record<string, number>;
  return {
    rps: s.requests / (s.durationUs / 1e6),
    p50: s.p50 / 1000,
    p99: s.p99 / 1000,
    errors: s.connect + s.read + s.write + s.timeout,
    non2xx: s.status,
  };
}

/** Runs autocannon in this process (the fallback). */
async function runAutocannon(target: LoadTarget, connections: number, seconds: number): Promise<LoadResult> {
  const { readFileSync } = await import('node:fs');
  const ids = target.idsFile === undefined ? [] : readFileSync(target.idsFile, 'utf8').split('\n').filter((l) => l !== '');
  const path = () => (ids.length === 0 ? target.path : target.path.replace('{id}', ids[Math.floor(Math.random() * ids.length)]));
  const result = await autocannon({ url: target.url, connections, duration: seconds, requests: [{ setupRequest: (req) => ({ ...req, path: path() }) }] });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

/** Loads `target` for `seconds` with `connections` connections using `generator`. */
export function load(generator: 'wrk' | 'autocannon', target: LoadTarget, connections: number, seconds: number): Promise<LoadResult> {
  return generator === 'wrk' ? runWrk(target, connections, seconds) : runAutocannon(target, connections, seconds);
}
