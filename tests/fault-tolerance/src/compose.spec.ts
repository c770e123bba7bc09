import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createFixture, type Fixture } from './harness/fixture';
import { repoRoot } from './harness/processes';
import { startSystem, waitFor } from './harness/system';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const apps = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

/**
 * `FROM ... AS <name>` stages, each stage's `CMD` (JSON form), and `COPY <sources> <dest>`
 * sources (not `--from`) of a Dockerfile.
 */
function dockerfile(path: string): { stages: string[]; cmd: Record<string, string[]>; copySources: string[] } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const stages = lines.map((l) => /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(l)?.[1]).filter((s): s is string => s !== undefined);
  const cmd: Record<string, string[]> = {};
  let stage = '';
  for (const line of lines) {
    stage = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line)?.[1] ?? stage;
    const json = /^CMD\s+(\[.*\])\s*$/.exec(line)?.[1];
    if (json) cmd[stage] = JSON.parse(json) as string[];
  }
  const copySources = lines
    .filter((l) => /^COPY\s/i.test(l) && !/--from=/.test(l))
    .flatMap((l) => l.replace(/^COPY\s+/i, '').split(/\s+/).filter((w) => w !== '' && !w.startsWith('--')).slice(0, -1));
  return { stages, cmd, copySources };
}

/** Runs a compose health-check command from the repository root with `env`; returns its exit code. */
function healthcheck(test: string[], env: Record<string, string>): number | null {
  const [kind, command, ...args] = test;
  expect(kind).toBe('CMD');
  return spawnSync(command === 'node' ? process.execPath : command, args, { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 10_000 }).status;
}

describe('docker-compose.yml and the Dockerfile', () => {
  let fx: Fixture | null = null;
  const dirs: string[] = [];
  afterEach(async () => {
    await fx?.cleanup();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("every app service is built from an existing Dockerfile target that runs the app's compiled bundle", () => {
    expect(apps.map(([name]) => name).sort()).toEqual(['api', 'compute-worker', 'ingest-worker']);
    for (const [name, service] of apps) {
      const df = join(repoRoot, service.build!.context, service.build!.dockerfile);
      expect(existsSync(df), `${name}: ${df}`).toBe(true);
      const { stages, cmd } = dockerfile(df);
      expect(stages, name).toContain(service.build!.target);
      // No command override: the image's CMD runs the bundle that tools/build/bundle.mjs makes of this app's main.ts.
      expect(service.command, name).toBeUndefined();
      expect(cmd[service.build!.target], name).toEqual(['node', `apps/${name}/dist/main.js`]);
      expect(existsSync(join(repoRoot, 'apps', name, 'src', 'main.ts')), name).toBe(true);
    }
  });

  it('every COPY source of the Dockerfile exists', () => {
    const { copySources } = dockerfile(join(repoRoot, 'Dockerfile'));
    expect(copySources.length).toBeGreaterThan(3);
    expect(copySources.filter((src) => !existsSync(join(repoRoot, src)))).toEqual([]);
  });

  it('runs two compute workers and a durable Redis: AOF, noeviction, a health check, a named volume', () => {
    expect(compose.services['compute-worker'].deploy?.replicas).toBe(2);
    const redis = compose.services.redis;
    const args = redis.command!.join(' ');
    expect(args).toMatch(/--appendonly yes/);
    expect(args).toMatch(/--maxmemory-policy noeviction/);
    expect(redis.healthcheck?.test.join(' ')).toMatch(/redis-cli ping/);
    const volume = redis.volumes!.map((v) => v.split(':')).find(([, target]) => target === '/data');
    expect(volume, 'a volume mounted on /data').toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume![0]);
  });

  it('app services have health checks and wait for a healthy Redis', () => {
    for (const [name, service] of apps) {
      expect(service.healthcheck?.test, name).toBeDefined();
      expect(service.depends_on?.redis?.condition, name).toBe('service_healthy');
    }
  });

  it('is a valid compose file for docker-compose itself (when installed)', (ctx) => {
    const found = spawnSync('docker-compose', ['version'], { timeout: 20_000 });
    if (found.error || found.status !== 0) return ctx.skip('SKIPPED: docker-compose is not installed');
    execFileSync('docker-compose', ['config', '-q'], { cwd: repoRoot, env: { ...process.env, API_KEY: 'compose-check-key' }, timeout: 20_000 });
  });

  it("the services' health checks pass against live processes, and fail without them", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ft-heartbeat-'));
    dirs.push(dir);
    const files = { ingest: join(dir, 'ingest'), compute: join(dir, 'compute') };
    expect(healthcheck(compose.services['ingest-worker'].healthcheck!.test, { HEARTBEAT_FILE: files.ingest })).toBe(1);
    fx = createFixture();
    // The harness starts one ingest and one compute worker; give each its own heartbeat file.
    const system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 0, env: { HEARTBEAT_FILE: files.ingest } });
    const compute = fx.procs.node('compute', 'apps/compute-worker/src/main.ts', { env: { ...system.env, HEARTBEAT_FILE: files.compute } });
    // The first beat waits for every Redis connection to be ready (then one every 5 s).
    await waitFor('both heartbeats', async () => (existsSync(files.compute) && existsSync(files.ingest) ? true : undefined), 60_000);
    expect(compute.running).toBe(true);
    expect(healthcheck(compose.services['ingest-worker'].healthcheck!.test, { HEARTBEAT_FILE: files.ingest })).toBe(0);
    expect(healthcheck(compose.services['compute-worker'].healthcheck!.test, { HEARTBEAT_FILE: files.compute })).toBe(0);
    const port = new URL(system.apiUrl).port;
    expect(healthcheck(compose.services.api.healthcheck!.test, { PORT: port })).toBe(0);
    await system.api.kill('SIGKILL');
    expect(healthcheck(compose.services.api.healthcheck!.test, { PORT: port })).toBe(1);
  });
});
