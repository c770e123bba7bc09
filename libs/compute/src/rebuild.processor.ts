import { availableParallelism, hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DelayedError, UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import { InputError } from '@movielens/core';
import { autoParts, QueueName, rebuildJobSchema, rebuildParamsSchema, rebuildStepSchema, type RebuildJobData, type RebuildParams, type RebuildShardJobData, type RebuildShardResult, type RebuildStep } from '@movielens/jobs';
import { DatasetStore, ModelStore, ModelTable, ModelWriter, packColumns, packLstmUserState, type ModelMeta } from '@movielens/store';
import type { ComputeDeps } from './compute.deps';
import { isPermanent, RebuildJobError, unrecoverable } from './errors';
import { childrenProgress, finishedParts, type ExpectedChildren, type RebuildStage } from './rebuild-progress';
import { rowBlocks, stageInputs } from './staging';

/** LSTM training threads when the job asks for 0 (auto): the machine's cores, at most this. */
const MAX_AUTO_LSTM_THREADS = 8;

/** Return value of a rebuild job. */
export interface RebuildResult {
  /** The model version now served: the new one, or the current one when the build was a no-op. */
  modelVersion: string;
  /** True when the current model already had this dataset version and these params. */
  noop: boolean;
  datasetVersion: string;
  /** Stage timings, ms (empty for a no-op). */
  timings: Record<string, number>;
  singularValues: number[];
  explainedVariance: number;
  /** Host/pid of each worker that ran shard jobs, with the number of jobs. */
  shardWorkers: { host: string; pid: number; jobs: number }[];
}

/** What the `build` step leaves in job data for the `children` step. */
interface BuildState {
  createdAt: number;
  datasetVersion: string;
  params: RebuildParams;
  timings: Record<string, number>;
  singularValues: number[];
  explainedVariance: number;
  k: number;
  counts: ModelMeta['counts'];
  staged: string[];
  /** Epoch ms at the start of the build step. */
  startedMs: number;
  /** Epoch ms when the shard jobs were added. */
  childrenAddedAt: number;
  /** Row jobs added per table: publishing checks that every one of them returned. */
  expected: ExpectedChildren;
}

type RebuildJob = Job<RebuildJobData & Partial<RebuildStep> & { build?: BuildState }, RebuildResult>;

/** Options of a rebuild's child jobs: retried, and a final failure fails the rebuild. */
function childOptions(job: Job) {
  return {
    parent: { id: job.id!, queue: job.queueQualifiedName },
    attempts: 3,
    backoff: { type: 'exponential', delay: 500 },
    failParentOnFailure: true,
    removeOnComplete: true,
    removeOnFail: { count: 100 },
  };
}

/** A fresh model version id, ordered by time. */
function newVersionId(now: number): string {
  return `m${now}-${randomBytes(2).toString('hex')}`;
}

/** True when two parameter sets describe the same build. */
function sameParams(a: Record<string, number | boolean>, b: Record<string, number | boolean>): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((n) => a[n] === b[n]);
}

/**
 * The processor of `rebuild` jobs (BullMQ step job). Step `build`: take the rebuild lock,
 * sweep abandoned builds, load the current dataset, factorize it (compute thread), write the
 * factors and the shard jobs' inputs, add one shard job per block of rows, compute the
 * analytics, then wait for the shard jobs. Step `children`: publish (pointer switch) and
 * prune old versions. Bad input fails without retry; anything else is retried.
 */
export function createRebuildProcessor(deps: ComputeDeps) {
  const datasets = new DatasetStore(deps.redis, deps.keys);
  const models = new ModelStore(deps.redis, deps.keys);
  const writer = new ModelWriter(deps.redis, deps.keys);
  const { lock, progress: reporter } = deps;

  return async function processRebuild(job: RebuildJob, token?: string): Promise<RebuildResult> {
    if (token === undefined || job.id === undefined) throw unrecoverable(new RebuildJobError('rebuild jobs need a worker token and a job id'));
    const stepState = rebuildStepSchema.safeParse(job.data);
    if (!stepState.success) throw unrecoverable(new RebuildJobError(`invalid rebuild step state: ${issuesOf(stepState.error)}`, { cause: stepState.error }));
    const { step, modelVersion } = stepState.data;
    const log = deps.logger.child({ jobId: job.id, queue: QueueName.rebuild });
    if (!(await lock.acquire(job.id))) {
      // Another rebuild is running: look again shortly. It may publish exactly what we would
      // build, and then this job becomes a no-op.
      await job.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }
    // Renews the lock for as long as this job lives, including while it waits for its shard jobs.
    lock.keepAlive(job.id);
    try {
      if (step === 'children' && modelVersion && job.data.build) {
        // A retried or stalled publish: the attempt that added the children may have died between
        // saving this step and moveToWaitingChildren, so wait for them again (BullMQ's
        // step-job pattern); false means every child has finished.
        if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
        return await publishStep(job, modelVersion, job.data.build, log);
      }
      deps.building.active = true;
      try {
        return await buildStep(job, token, log);
      } finally {
        deps.building.active = false;
      }
    } catch (err) {
      if (err instanceof WaitingChildrenError) throw err;
      const ver = rebuildStepSchema.safeParse(job.data).data?.modelVersion;
      const final = isPermanent(err) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      log.error({ err, modelVersion: ver, final }, 'rebuild failed');
      if (final) {
        if (ver) await models.deleteVersion(ver).catch(() => undefined);
        await lock.release(job.id);
      }
      if (isPermanent(err)) throw unrecoverable(err as Error);
      throw err;
    }
  };

  async function buildStep(job: RebuildJob, token: string, log: ComputeDeps['logger']): Promise<RebuildResult> {
    const startedMs = performance.now();
    // An invalid payload is bad input: fail at once with a readable reason instead of retrying a ZodError.
    const parsed = rebuildJobSchema.safeParse(job.data);
    if (!parsed.success) throw new InputError(`invalid rebuild payload: ${issuesOf(parsed.error)}`, [], { cause: parsed.error });
    const current = await models.currentVersion();
    const currentMeta = current ? await models.meta(current) : null;
    const params = buildParams(parsed.data.trigger, job.data.params, currentMeta);
    // Versions of other builds that still live (one whose lock expired while it ran) are kept.
    const swept = await models.sweepStaging(undefined, async (owner) => owner !== job.id && (await lock.isLive(owner)));
    if (swept.length) log.info({ swept }, 'swept abandoned model builds');

    const datasetVersion = await datasets.currentVersion();
    if (datasetVersion === null) throw new InputError('no dataset has been ingested yet: run `movielens ingest <dir>` first');
    if (current && currentMeta && currentMeta.datasetVersion === datasetVersion && sameParams(currentMeta.params, params)) {
      log.info({ modelVersion: current, datasetVersion }, 'model is up to date: nothing to rebuild');
      await lock.release(job.id!);
      return { modelVersion: current, noop: true, datasetVersion, timings: {}, singularValues: currentMeta.singularValues, explainedVariance: currentMeta.explainedVariance, shardWorkers: [] };
    }

    const createdAt = Date.now();
    const ver = newVersionId(createdAt);
    const vlog = log.child({ modelVersion: ver, datasetVersion });
    await writer.begin(ver, createdAt, job.id!);
    await job.updateData({ ...job.data, step: 'build', modelVersion: ver });
    const timings: Record<string, number> = {};
    const progress = (stage: RebuildStage, percent: number) => reporter.advance(job.id!, { stage, percent });

    let t = performance.now();
    await progress('load', 0);
    // In shared memory: the compute tasks below read it without a copy each.
    const ratings = await datasets.loadRatings(datasetVersion, undefined, true);
    if (ratings.length === 0) throw new InputError(`dataset ${datasetVersion} has no ratings: nothing to build`);
    timings.load = performance.now() - t;
    vlog.info({ ratings: ratings.length, ms: Math.round(timings.load) }, 'dataset loaded');

    // The analytics need only the dataset: a child job that any worker takes during the SVD
    // (another machine, or this process's second compute thread; a one-core process leaves it
    // to others until its SVD is done, see `building`). A failed or stale analytics
    // job does not fail the build by itself (ignoreDependencyOnFailure: a retried build may
    // leave one behind for a swept version); publishing checks this version's result instead.
    await deps.flow.add({
      name: 'analytics',
      queueName: QueueName.rebuildShard,
      prefix: deps.bullPrefix,
      data: { modelVersion: ver, table: 'analytics', datasetVersion } satisfies RebuildShardJobData,
      opts: { ...childOptions(job), failParentOnFailure: false, ignoreDependencyOnFailure: true },
    });
    await progress('matrix', 0);
    const f = await deps.thread.run({ kind: 'factorize', ratings, k: params.k, seed: params.seed });
    timings.matrix = f.timings.matrix;
    timings.svd = f.timings.svd;
    await progress('svd', 100);
    vlog.info({ k: f.k, iterations: f.iterations, explainedVariance: f.explainedVariance, helpedBlocks: f.helpedBlocks, ms: Math.round(f.timings.svd) }, 'svd done');

    t = performance.now();
    await writer.putTable(ver, ModelTable.factors, packColumns({ movieIds: f.movieIds, V: Float32Array.from(f.V), S: f.S }));
    await writer.putTable(ver, ModelTable.users, packColumns({ userIds: f.userIds, userMeans: Float32Array.from(f.userMeans) }));
    const parts = params.parts > 0 ? params.parts : autoParts(f.userIds.length, f.movieIds.length);
    const movieBlocks = rowBlocks(f.movieIds.length, parts);
    const userBlocks = rowBlocks(f.userIds.length, parts);
    const staged = await stageInputs(writer, ver, f, userBlocks);
    timings.stage = performance.now() - t;

    if (params.mf) {
      // The MF rating model trains here, after the SVD and before the shard jobs, rather than
      // beside the shard flow: on a small machine both would share the same cores, and the
      // original method's stage timings (svd, shards) would no longer be its own.
      t = performance.now();
      await progress('mf', 0);
      const mf = await deps.thread.run({ kind: 'train-mf', ratings, samples: params.mfSamples, seed: params.seed });
      await writer.putTable(ver, ModelTable.mf, Buffer.from(mf.bytes.buffer, mf.bytes.byteOffset, mf.bytes.byteLength));
      timings.mf = performance.now() - t;
      await progress('mf', 100);
      vlog.info({ users: mf.users, movies: mf.movies, factors: mf.factors, bytes: mf.bytes.byteLength, trainMs: Math.round(mf.ms) }, 'mf model trained');
    }
    if (params.lstm) {
      // Same place and reason as the MF model. The trainer starts its own threads from the
      // compute thread; with one, the weights are bit-reproducible for a seed.
      t = performance.now();
      await progress('lstm', 0);
      const threads = params.lstmThreads > 0 ? params.lstmThreads : Math.min(availableParallelism(), MAX_AUTO_LSTM_THREADS);
      // Training is 0..90% of the stage, one step per epoch; the user states are the rest.
      const onEpoch = ({ epoch, epochs }: { epoch: number; epochs: number }) => void progress('lstm', Math.floor((90 * epoch) / epochs)).catch(() => undefined);
      const l = await deps.thread.run({ kind: 'train-lstm', ratings, epochs: params.lstmEpochs, seed: params.seed, threads }, onEpoch);
      const shape = Int32Array.of(l.numMovies, l.embeddingDim, l.hidden);
      await writer.putTable(ver, ModelTable.lstm, packColumns({ format: Int32Array.of(1), shape, movieIds: l.movieIds, weights: l.weights }));
      await progress('lstm', 90);
      // Each user's final hidden state and dense history, sharded by user id like `recs`:
      // one HGET serves GET /users/:id/next (pipelined HSETs, see ModelWriter.putRows).
      const states: Buffer[] = [];
      for (let u = 0; u < l.userIds.length; u++) {
        states.push(packLstmUserState(l.states.subarray(u * l.hidden, (u + 1) * l.hidden), l.items.subarray(l.offsets[u], l.offsets[u + 1])));
      }
      await writer.putRows(ver, ModelTable.lstmState, 0, l.userIds, states, params.shards);
      timings.lstm = performance.now() - t;
      timings.lstmStates = l.statesMs;
      await progress('lstm', 100);
      vlog.info({ movies: l.numMovies, users: l.userIds.length, threads, trainMs: Math.round(l.ms), statesMs: Math.round(l.statesMs) }, 'lstm trained');
    }

    const child = (table: 'similar' | 'recs', b: { part: number; start: number; end: number }, n: number) => ({
      modelVersion: ver,
      table,
      part: b.part,
      rowStart: b.start,
      rowEnd: b.end,
      shards: params.shards,
      n,
      minCount: table === 'similar' ? params.minCount : 0,
    }) satisfies RebuildShardJobData;
    const children = [...movieBlocks.map((b) => child('similar', b, params.topK)), ...userBlocks.map((b) => child('recs', b, params.recsN))];
    await deps.flow.addBulk(
      children.map((data) => ({
        name: `${data.table}-${data.part}`,
        queueName: QueueName.rebuildShard,
        prefix: deps.bullPrefix,
        data,
        opts: childOptions(job),
      })),
    );
    const childrenAddedAt = Date.now();
    vlog.info({ shardJobs: children.length }, 'shard jobs added');

    const build: BuildState = {
      createdAt,
      datasetVersion,
      params,
      timings,
      singularValues: [...f.S],
      explainedVariance: f.explainedVariance,
      k: f.k,
      counts: { users: f.userIds.length, movies: f.movieIds.length, ratings: ratings.length },
      staged,
      startedMs: Date.now() - (performance.now() - startedMs),
      childrenAddedAt,
      expected: { similar: movieBlocks.length, recs: userBlocks.length },
    };
    await job.updateData({ ...job.data, step: 'children', modelVersion: ver, build });
    // From here on the shard workers advance the progress as children finish (compute-workers.ts).
    await reporter.advance(job.id!, async (stored) => childrenProgress(Object.values(await stored.getChildrenValues<RebuildShardResult>()), ver, build.expected));
    if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
    return publishStep(job, ver, build, vlog);
  }

  async function publishStep(job: RebuildJob, ver: string, build: BuildState, log: ComputeDeps['logger']): Promise<RebuildResult> {
    const vlog = log.child({ modelVersion: ver });
    const shardResults = Object.values(await job.getChildrenValues<RebuildShardResult>()).filter((r) => r && r.table && r.modelVersion === ver);
    const analytics = shardResults.find((r) => r.table === 'analytics')?.analytics;
    // Retrying the publish would not bring them back: fail the build for good.
    if (!analytics) throw new UnrecoverableError(`model version ${ver}: the analytics job failed (see the rebuild-shard queue's failed jobs)`);
    // Every row job must have returned: a child removed by hand, or a publish that did not wait,
    // would otherwise publish a model with missing rows.
    const done = finishedParts(shardResults, ver);
    const missing = (['similar', 'recs'] as const).flatMap((table) => Array.from({ length: build.expected[table] }, (_, part) => part).filter((part) => !done[table].has(part)).map((part) => `${table}#${part}`));
    if (missing.length > 0) throw new UnrecoverableError(`model version ${ver}: ${missing.length} shard jobs did not finish (${missing.slice(0, 8).join(', ')}); not publishing a model with missing rows`);
    // Shard wall time: from adding the shard jobs to now (the workers ran in parallel).
    const shardsMs = Date.now() - build.childrenAddedAt;
    await reporter.advance(job.id!, { stage: 'publish', percent: 0 });
    const t = performance.now();
    // Analytics: compute time in the thread of whichever worker ran them, beside the SVD.
    const timings: Record<string, number> = { ...build.timings, analytics: analytics.ms, shards: Math.max(0, shardsMs), similarity: tableWallMs(shardResults, 'similar'), recommendations: tableWallMs(shardResults, 'recs') };
    const meta = await writer.publish(
      {
        id: ver,
        datasetVersion: build.datasetVersion,
        params: build.params,
        timings,
        singularValues: build.singularValues,
        explainedVariance: build.explainedVariance,
        counts: build.counts,
        shards: build.params.shards,
        k: build.k,
        host: hostname(),
        createdAt: build.createdAt,
        analytics: analytics.tables,
      },
      { dropTables: build.staged, keep: deps.keepVersions ?? 2 },
    );
    timings.publish = performance.now() - t;
    timings.total = Date.now() - build.startedMs;
    await deps.redis.set(deps.keys.modelMeta(ver), JSON.stringify({ ...meta, timings }));
    await job.updateData({ ...job.data, step: 'done', modelVersion: ver });
    await lock.release(job.id!);
    await reporter.advance(job.id!, { stage: 'publish', percent: 100 });
    const workers = new Map<string, { host: string; pid: number; jobs: number }>();
    for (const r of shardResults) {
      const key = `${r.host}:${r.pid}`;
      const w = workers.get(key) ?? { host: r.host, pid: r.pid, jobs: 0 };
      w.jobs++;
      workers.set(key, w);
    }
    vlog.info({ timings, shardJobs: shardResults.length, workers: workers.size }, 'model published');
    return { modelVersion: ver, noop: false, datasetVersion: build.datasetVersion, timings, singularValues: build.singularValues, explainedVariance: build.explainedVariance, shardWorkers: [...workers.values()] };
  }
}

/** Wall time of a table's shard jobs, ms: from the first one's start to the last one's end. */
function tableWallMs(results: readonly RebuildShardResult[], table: RebuildShardResult['table']): number {
  const rows = results.filter((r) => r.table === table);
  return rows.length === 0 ? 0 : Math.max(...rows.map((r) => r.finishedAt)) - Math.min(...rows.map((r) => r.startedAt));
}

/**
 * The parameters of a build. A rebuild triggered by an ingest carries no parameters of its own:
 * it rebuilds the served model's recipe (k, topK, minCount, mf, lstm, ...) on the new data, so an
 * upload never silently drops something an operator turned on (an LSTM, a minimum count). Its own
 * overrides, if any, still win. CLI and API requests start from the documented defaults.
 * Parameters of an old model that no longer validate are ignored (defaults apply).
 */
function buildParams(trigger: RebuildJobData['trigger'], requested: RebuildJobData['params'], served: ModelMeta | null): RebuildParams {
  // `requested` is the raw (already validated) payload: the parsed one has every default filled
  // in (zod applies defaults inside .partial()), which would hide what the request carried.
  const given = requested ?? {};
  if (trigger === 'ingest' && served !== null) {
    const inherited = rebuildParamsSchema.partial().safeParse(served.params);
    if (inherited.success) return rebuildParamsSchema.parse({ ...inherited.data, ...given });
  }
  return rebuildParamsSchema.parse(given);
}

/** A zod error as `path: message; ...`. */
function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
}
