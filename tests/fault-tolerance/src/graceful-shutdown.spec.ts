import { execFileSync } from 'node:child_process';
import { request, get } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelLifecycle } from '@movielens/store';
import { freePort } from '@movielens/test-support';
import { createFixture, type Fixture } from './harness/fixture';
import { kindTrainingStarted, loggedAbout, waitForBuildsIdle } from './harness/builds';
import { syntheticDump, type Dump } from './harness/datasets';
import { AppScript, READY_LINE, type ManagedProcess } from './harness/processes';
import { API, sleep, startSystem, upload, waitFor, waitForJob, type System } from './harness/system';

/** Longest accepted time from SIGTERM to exit, ms: idle processes (generous: a busy 2-core machine). */
const IDLE_EXIT_MS = 15_000;
/** Same for a process finishing its current job first. */
const BUSY_EXIT_MS = 60_000;

/** SIGTERM, then the exit code and how long the exit took; rejects past `boundMs`. */
async function terminate(p: ManagedProcess, boundMs: number): Promise<{ code: number | null; signal: string | null; ms: number }> {
  const started = Date.now();
  p.child.kill('SIGTERM');
  const timeout = sleep(boundMs).then(() => Promise.reject(new Error(`${p.name} still running ${boundMs} ms after SIGTERM\n${p.tail()}`)));
  const exit = await Promise.race([p.exited, timeout]);
  return { ...exit, ms: Date.now() - started };
}

/**
 * Starts a multipart upload of `dump` by hand and sends only its first half; resolves with a
 * function that sends the rest and resolves with the response status.
 */
function slowUpload(system: System, dump: Dump): Promise<() => Promise<number>> {
  const boundary = 'ft-slow-upload';
  const parts = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="mode"\r\n\r\nreplace\r\n`)];
  for (const f of dump.files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), Buffer.from(f.bytes), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const body = Buffer.concat(parts);
  const half = Math.floor(body.length / 2);
  return new Promise((resolve, reject) => {
    let status: Promise<number> | null = null;
    const req = request(`${system.apiUrl}${API}/datasets`, {
      method: 'POST',
      agent: false,
      headers: { 'X-API-Key': system.apiKey, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': body.length },
    });
    status = new Promise((done, fail) => {
      req.on('response', (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on('error', fail);
    });
    status.catch(() => undefined); // awaited by the caller when it finishes the upload; not a stray rejection otherwise
    req.on('error', reject);
    req.write(body.subarray(0, half), () =>
      resolve(async () => {
        req.end(body.subarray(half));
        return status!;
      }),
    );
  });
}

/** True when a new TCP connection to `url` is refused. */
function refused(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false }, (res) => {
      res.resume();
      resolve(false);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown on SIGTERM', () => {
  let fx: Fixture;
  afterEach(async () => fx.cleanup());

  it('every process type exits 0 promptly when idle', async () => {
    fx = createFixture();
    const system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 1 });
    const exits = await Promise.all([system.api, system.ingest!, system.compute[0]].map((p) => terminate(p, IDLE_EXIT_MS)));
    expect(exits.map((e) => [e.code, e.signal])).toEqual([[0, null], [0, null], [0, null]]);
  });

  it('busy processes finish their work first: the ingest worker its ingest, a compute worker its kind job step, the API its in-flight upload', async () => {
    fx = createFixture();
    const system = await startSystem(fx.procs, { redisUrl: fx.redisUrl, keyPrefix: fx.prefix, computeWorkers: 0 });

    // The rebuild the upload asks for inherits this recipe: svd and analytics only, the kinds this
    // test follows (400k ratings through every ranking kind and the selection would outlast it).
    await new ModelLifecycle(fx.redis, fx.keys).setRecipe({ mf: false, ease: false, ials: false, rp3beta: false, similarUsers: false, selection: false });
    // Ingest worker, SIGTERM while it writes a dataset: the ingest completes, then it exits 0.
    const big = syntheticDump({ ratings: 400_000, users: 2500, movies: 1800, seed: 3 });
    const jobId = await upload(system, big.files);
    await waitFor('the ingest to start writing', async () => ((await fx.redis.hlen(fx.keys.datasetStaging())) > 0 ? true : undefined), 60_000, 2);
    const ingestExit = await terminate(system.ingest!, BUSY_EXIT_MS);
    expect([ingestExit.code, ingestExit.signal], system.ingest!.tail()).toEqual([0, null]);
    const ingest = await waitForJob(system, jobId);
    expect(ingest.state).toBe('completed');
    expect((await fx.datasets.meta((await fx.datasets.currentVersion())!))?.counts.ratings).toBe(big.ratings);

    // Compute worker, SIGTERM while it trains the svd kind of the rebuild the ingest asked for:
    // it finishes that kind job's training step (its row jobs added) and exits 0; the other worker
    // runs the row jobs and publishes the very kind version the stopped one trained.
    const compute = [1, 2].map((i) => fx.procs.node(`compute-${i}`, AppScript.compute, { env: system.env }));
    await Promise.all(compute.map((c) => c.waitForLine(READY_LINE.compute)));
    const { process: holder, version: training } = await kindTrainingStarted(compute, 'svd', 0);
    const computeExit = await terminate(holder, BUSY_EXIT_MS);
    expect([computeExit.code, computeExit.signal], holder.tail()).toEqual([0, null]);
    expect(loggedAbout(holder, 'svd done', training) && loggedAbout(holder, 'row jobs added', training), holder.tail()).toBe(true);
    expect(holder.lines.filter((l) => /"level":50/.test(l)), 'errors logged by the stopped worker').toEqual([]);
    await waitForBuildsIdle(fx.redis, fx.prefix, 120_000);
    const model = (await fx.models.currentVersion())!;
    const served = (await fx.models.meta(model))!;
    expect(served.datasetVersion).toBe(await fx.datasets.currentVersion());
    expect(served.kinds!.svd.version).toBe(training);

    // API, SIGTERM with an upload half sent: it stops accepting connections, finishes that request, exits 0.
    const finish = await slowUpload(system, syntheticDump({ ratings: 3000, users: 100, movies: 150, seed: 4 }));
    // Only once the API is handling the request (it has begun staging the upload in Redis) is it in flight.
    await waitFor('the upload to be staged', async () => ((await fx.redis.keys(`${fx.prefix}:{u:*}:meta`)).length > 0 ? true : undefined), 30_000, 20);
    system.api.child.kill('SIGTERM');
    await system.api.waitForLine(/draining in-flight requests/, 10_000);
    // The listening socket closes within a turn of the API's event loop after the line (a
    // connection racing the close may still be served): refused within 2 s, or it never will be.
    const refusedSoon = await waitFor('new connections to be refused', async () => ((await refused(`${system.apiUrl}/healthz`)) ? true : undefined), 2_000, 50).catch(() => false);
    expect(refusedSoon, `new connections refused\n${system.api.tail()}`).toBe(true);
    expect(system.api.running, `API still draining\n${system.api.tail()}`).toBe(true);
    expect(await finish()).toBe(202);
    const apiExit = await Promise.race([system.api.exited, sleep(IDLE_EXIT_MS).then(() => null)]);
    expect(apiExit, system.api.tail()).toEqual({ code: 0, signal: null });
  });

  it('`movielens cluster` stopped by SIGTERM leaves no child process behind', async () => {
    fx = createFixture();
    const port = await freePort();
    const cli = fx.procs.node('cluster', AppScript.cli, {
      args: ['cluster', '--redis', fx.redisUrl, '--port', String(port), '--compute-workers', '2'],
      env: { KEY_PREFIX: fx.prefix },
    });
    await Promise.all([READY_LINE.api, READY_LINE.ingest].map((re) => cli.waitForLine(re, 90_000)));
    await waitFor('two compute workers', async () => (cli.lines.filter((l) => READY_LINE.compute.test(l)).length === 2 ? true : undefined), 90_000);
    // Every child: the four app processes (and possibly tsx's esbuild service).
    const listed = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(cli.pid)]).toString().trim().split('\n');
    const pidOf = (line: string) => Number(line.trim().split(/\s+/)[0]);
    const apps = listed.filter((l) => /apps\/(api|ingest-worker|compute-worker)\/src\/main\.ts/.test(l));
    expect(apps, listed.join('\n')).toHaveLength(4);
    const isAlive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };

    const exit = await terminate(cli, 30_000);
    expect(exit.code, cli.tail()).toBe(0);
    // The app processes are gone when the CLI exits (it waits for them); any helper child
    // (tsx's esbuild service ends when its parent's pipe closes) is gone moments later.
    expect(apps.filter((l) => isAlive(pidOf(l)))).toEqual([]);
    await waitFor('every child to be gone', async () => (listed.every((l) => !isAlive(pidOf(l))) ? true : undefined), 5_000, 100).catch(() => undefined);
    expect(listed.filter((l) => isAlive(pidOf(l)))).toEqual([]);
    // Each child shut down by its own handler, not by the group's SIGKILL fallback.
    expect(cli.lines.filter((l) => /"msg":"(closed|stopped)"/.test(l) || /shutting down/.test(l)).length).toBeGreaterThanOrEqual(4);
  });
});
