import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DelayedError, WaitingChildrenError, type Job } from 'bullmq';
import { InputError } from '@movielens/core';
import { kindJobSchema, kindStepSchema, QueueName, readChildResults, rowsJobResultSchema, ShardJobName, type KindJobData, type KindJobResult, type RowsJobData, type RowsJobResult } from '@movielens/jobs';
import { DatasetStore, ModelLifecycle, ModelStore, ModelWriter, type KindMeta } from '@movielens/store';
import type { ComputeDeps } from '../compute.deps';
import { isPermanent, RebuildJobError, unrecoverable } from '../errors';
import { decodeTrainedState, type TrainedState } from '../kind-job-state';
import { datasetInput } from '../kinds/dataset-input';
import type { BuildParams, ModelKind } from '../kinds/model-kind';
import { kindProgress, kindProgressSchema } from '../rebuild-progress';
import { childOptions, issuesOf, sameParams } from './job-helpers';
import { requestTunedRetrain } from './tuned-retrain';

/** A kind job: its payload and the step state it records (validated when read: `kindStepSchema`, `decodeTrainedState`). */
type KindJob = Job<KindJobData & { step?: string; version?: string; trained?: unknown }, KindJobResult>;

/** BullMQ priority of row jobs (lower runs first): before every kind job (priority 10 and up). */
const ROWS_PRIORITY = 1;

/**
 * Times a kind job adds again the row jobs of a round that did not return (each row job already
 * retried itself 3 times: a Redis failover can outlast that) before it fails for good.
 */
const MAX_ROW_RETRIES = 2;

/** Longest an optional kind's job defers its training to a required kind's build, ms from the job's creation (10 min). */
const MAX_YIELD_MS = 10 * 60_000;

/** How long after its creation a kind job assumes a planned required kind that holds no lock yet is about to take it, ms. */
const LOCK_GRACE_MS = 5000;

/** How long a kind job waits before looking again at a busy kind lock or a missing dependency, ms. */
const RETRY_DELAY_MS = 1000;

/**
 * The processor of `kind` jobs (BullMQ step job): one model kind trained on the current dataset
 * and published on its own. Step `train`: take the kind's lock, skip when the served set already
 * has this kind for this data and parameters, run the kind's training, add its row jobs if it
 * has a sharded stage. Step `rows` (once they all returned): drop the scratch tables, record the
 * kind version's meta and publish it (a new served set). Bad input fails without retry.
 */
export function createKindProcessor(deps: ComputeDeps) {
  const datasets = new DatasetStore(deps.redis, deps.keys);
  const models = new ModelStore(deps.redis, deps.keys);
  const lifecycle = new ModelLifecycle(deps.redis, deps.keys, { keep: deps.keepVersions });
  const writer = new ModelWriter(deps.redis, deps.keys);

  return async function processKind(job: KindJob, token?: string): Promise<KindJobResult> {
    if (token === undefined || job.id === undefined) throw unrecoverable(new RebuildJobError('kind jobs need a worker token and a job id'));
    const payload = kindJobSchema.safeParse(job.data);
    const step = kindStepSchema.safeParse(job.data);
    if (!payload.success || !step.success) throw unrecoverable(new RebuildJobError(`invalid kind job: ${issuesOf((payload.error ?? step.error)!)}`));
    const kind = deps.registry.get(payload.data.kind);
    if (kind === undefined) throw unrecoverable(new RebuildJobError(`unknown model kind ${payload.data.kind} (registered: ${deps.registry.kinds.map((k) => k.name).join(', ')})`));
    const log = deps.logger.child({ jobId: job.id, queue: QueueName.rebuildShard, kind: kind.name });
    if (!(await deps.locks.acquire(kind.name, job.id))) return delay(job, token);
    deps.locks.keepAlive(kind.name, job.id);
    const version = step.data.version;
    try {
      if (step.data.step === 'rows' && version !== undefined && job.data.trained !== undefined) {
        // A retried or stalled finish: wait for the row jobs again (false: all of them finished).
        const trained = decodeTrainedState(job.data.trained, job.id);
        if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
        return await finish(job, token, kind, version, trained, log.child({ version, datasetVersion: trained.datasetVersion }));
      }
      return await train(job, token, kind, payload.data, log);
    } catch (err) {
      if (err instanceof WaitingChildrenError || err instanceof DelayedError) throw err;
      const building = kindStepSchema.safeParse(job.data).data?.version;
      const final = isPermanent(err) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      log.error({ err, version: building, final }, 'kind build failed');
      if (final) {
        if (building !== undefined && (await lifecycle.isStaged(building))) await lifecycle.deleteVersion(building).catch(() => undefined);
        await deps.locks.release(kind.name, job.id);
      }
      if (isPermanent(err)) throw unrecoverable(err as Error);
      throw err;
    }
  };

  /** Hands the job back for a moment (the kind's lock is busy, or a dependency is not ready). */
  async function delay(job: KindJob, token: string): Promise<never> {
    await job.moveToDelayed(Date.now() + RETRY_DELAY_MS, token);
    throw new DelayedError();
  }

  /**
   * True while a required kind planned by the same rebuild is being built (a live job holds its
   * lock) or, within LOCK_GRACE_MS of this job's creation, has no ready version for
   * `datasetVersion` yet: the kind jobs of a rebuild start together, before it takes its lock.
   */
  async function requiredBuilding(job: KindJob, data: KindJobData, datasetVersion: string): Promise<boolean> {
    for (const first of deps.registry.kinds) {
      if (!first.required || !data.planned.includes(first.name)) continue;
      if (await deps.locks.busy(first.name)) return true;
      if (Date.now() - job.timestamp < LOCK_GRACE_MS && !(await readyFor(first.name, datasetVersion))) return true;
    }
    return false;
  }

  /** True when the newest ready version of kind `name` was trained on `datasetVersion`. */
  async function readyFor(name: string, datasetVersion: string): Promise<boolean> {
    const ready = await lifecycle.kindVersions(name);
    const newest = ready.length === 0 ? null : await models.kindMeta(ready[ready.length - 1].id);
    return newest?.datasetVersion === datasetVersion;
  }

  /** Reports the kind's progress on its own job and on its rebuild's; never the same or a lower value twice. */
  function reporter(job: KindJob, kind: ModelKind) {
    const parentId = job.parent?.id;
    const planned = parentPlanned(job);
    // The job's own stored progress (a retried attempt's): BullMQ's initial 0 or another shape counts as none yet.
    let last = kindProgressSchema.safeParse(job.progress).data?.percent ?? -1;
    return async (stage: string, percent: number) => {
      const p = kindProgress(kind.stages, stage, percent);
      if (p.percent <= last) return;
      last = p.percent;
      await job.updateProgress(p);
      if (parentId !== undefined) await deps.progress.advance(parentId, planned, kind.name, p);
    };
  }

  async function train(job: KindJob, token: string, kind: ModelKind, data: KindJobData, log: ComputeDeps['logger']): Promise<KindJobResult> {
    const startedAt = Date.now();
    const parsed = deps.registry.paramsSchema.safeParse(data.params);
    if (!parsed.success) throw new InputError(`invalid build parameters: ${issuesOf(parsed.error)}`, [], { cause: parsed.error });
    const params = parsed.data as BuildParams;
    const datasetVersion = await datasets.currentVersion();
    if (datasetVersion === null) throw new InputError('no dataset has been ingested yet: run `movielens ingest <dir>` first');
    const datasetMeta = await datasets.meta(datasetVersion);
    if (datasetMeta === null) throw new InputError(`dataset ${datasetVersion} has no metadata`);
    for (const dep of kind.dependsOn) {
      if (!(await readyFor(dep, datasetVersion))) {
        await deps.locks.release(kind.name, job.id!);
        return delay(job, token);
      }
    }
    const kindParams = deps.registry.paramsOf(kind, params);
    const servedVer = await models.currentVersion();
    const servedSet = servedVer === null ? null : await models.meta(servedVer);
    // The kind's newest build: one ready and waiting to join the first set (another build of this
    // kind finished it while a required kind had none yet), else the served one.
    const waiting = await lifecycle.waitingKindVersion(kind.name, servedSet);
    const newest = waiting === null ? servedSet?.kinds?.[kind.name] : { version: waiting.id, datasetVersion: waiting.datasetVersion, params: waiting.params };
    if (newest !== undefined && newest.datasetVersion === datasetVersion && sameParams(newest.params, kindParams)) {
      log.info({ version: newest.version, datasetVersion, waiting: waiting !== null }, 'kind is up to date: nothing to build');
      await deps.locks.release(kind.name, job.id!);
      await reporter(job, kind)(kind.stages[kind.stages.length - 1], 100);
      return { kind: kind.name, version: newest.version, datasetVersion, outcome: 'current', modelVersion: servedVer, timings: {}, host: hostname(), pid: process.pid, workers: workersOf({}) };
    }
    // What an upload waits to see goes first: while a required kind (svd, analytics) of this
    // rebuild is being built, an optional kind does not start its training beside it on the same
    // cores; it looks again in a moment. A build already training is not stopped, and after
    // MAX_YIELD_MS the kind starts anyway (a stream of uploads cannot starve it).
    if (!kind.required && Date.now() - job.timestamp < MAX_YIELD_MS && (await requiredBuilding(job, data, datasetVersion))) {
      await deps.locks.release(kind.name, job.id!);
      return delay(job, token);
    }
    // Versions of builds whose job died; those of live jobs (another kind training now) are kept.
    const swept = await lifecycle.sweepStaging(undefined, async (owner) => owner !== job.id && (await deps.locks.isLive(owner)));
    if (swept.length) log.info({ swept }, 'swept abandoned builds');

    const version = `${kind.name}-${startedAt}-${randomBytes(2).toString('hex')}`;
    const vlog = log.child({ version, datasetVersion });
    await writer.begin(version, startedAt, job.id);
    await job.updateData({ ...job.data, step: 'train', version });
    // The start of the work a crash or a shutdown interrupts (the kind's own lines follow it).
    vlog.info({ params: kindParams }, `kind ${kind.name} training`);
    const progress = reporter(job, kind);
    const trained = await kind.train({ version, dataset: datasetInput(datasets, datasetVersion), params, thread: deps.thread, writer, progress, cores: deps.cores, logger: vlog });
    const rows = trained.rows ?? [];
    const state: TrainedState = {
      datasetVersion,
      datasetCreatedAt: datasetMeta.createdAt,
      createdAt: startedAt,
      params: kindParams,
      buildParams: { ...params },
      info: trained.info,
      timings: trained.timings,
      shards: trained.shards ?? 1,
      scratch: trained.scratch ?? [],
      expected: countBy(rows.map((r) => r.table)),
      rows,
      round: 0,
      roundsTotal: trained.rounds ?? 1,
      retries: 0,
      rowWorkers: {},
      rowsAddedAt: Date.now(),
      startedAt,
    };
    if (rows.length === 0) return finish(job, token, kind, version, state, vlog);
    return startRound(job, token, kind, version, state, vlog);
  }

  /**
   * Adds a round's row jobs and waits for them. The state first, then the row jobs: a worker that
   * dies between the two leaves a job that resumes at this round (finishing adds the missing
   * ones) instead of training again or repeating an earlier round.
   */
  async function startRound(job: KindJob, token: string, kind: ModelKind, version: string, state: TrainedState, log: ComputeDeps['logger']): Promise<KindJobResult> {
    await job.updateData({ ...job.data, step: 'rows', version, trained: state });
    await addRows(job, state.rows);
    log.info({ rowJobs: state.rows.length, round: state.round }, 'row jobs added');
    if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
    return finish(job, token, kind, version, state, log);
  }

  /**
   * Adds row jobs as this job's children, run before any kind job (a free worker finishes this
   * kind, which readers wait for, before it starts another kind's training). A row job that fails
   * for good does not fail this job at once: finishing adds it again (a failover can outlast its
   * own retries), up to MAX_ROW_ROUNDS times.
   */
  async function addRows(job: KindJob, rows: readonly RowsJobData[]): Promise<void> {
    const opts = { ...childOptions(job), failParentOnFailure: false, ignoreDependencyOnFailure: true, priority: ROWS_PRIORITY };
    await deps.flow.addBulk(rows.map((data) => ({ name: ShardJobName.rows, queueName: QueueName.rebuildShard, prefix: deps.bullPrefix, data, opts })));
  }

  /**
   * Once a round's row jobs returned: adds again those that did not (up to MAX_ROW_RETRIES), asks
   * a multi-round kind for its next round, and publishes the version when there is none.
   */
  async function finish(job: KindJob, token: string, kind: ModelKind, version: string, state: TrainedState, log: ComputeDeps['logger']): Promise<KindJobResult> {
    const round = state.round;
    const expectedTables = Object.keys(state.expected);
    // Validated, not cast: a corrupt stored result fails the build naming the row job (JobResultError, permanent).
    const results = expectedTables.length === 0 ? [] : Object.values(await readChildResults(job, rowsJobResultSchema, `kind job ${job.id}`)).filter((r) => r.modelVersion === version && r.round === round);
    if (expectedTables.length === 0) return publish(job, kind, version, state, log);
    const done = new Set(results.map((r) => `${r.table}#${r.part}`));
    const missing = state.rows.filter((r) => !done.has(`${r.table}#${r.part}`));
    const retries = state.retries;
    if (missing.length > 0 && retries < MAX_ROW_RETRIES) {
      log.warn({ missing: missing.map((r) => `${r.table}#${r.part}`).slice(0, 8), round, retry: retries + 1 }, 'row jobs did not return: adding them again');
      const next = { ...state, retries: retries + 1 };
      await job.updateData({ ...job.data, step: 'rows', version, trained: next });
      await addRows(job, missing);
      if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
      return finish(job, token, kind, version, next, log);
    }
    if (missing.length > 0) {
      const names = missing.map((r) => `${r.table}#${r.part}`);
      throw new RebuildJobError(`kind version ${version}: ${missing.length} row jobs did not finish after ${MAX_ROW_RETRIES} more rounds (${names.slice(0, 8).join(', ')}); not publishing missing rows`);
    }
    const timings = { ...state.timings };
    // A multi-round kind's row stage spans its rounds: each round's wall time adds to it.
    for (const table of expectedTables) {
      const stage = kind.rowStages?.[table] ?? table;
      timings[stage] = (timings[stage] ?? 0) + tableWallMs(results.filter((r) => r.table === table));
    }
    timings.rows = Date.now() - state.rowsAddedAt;
    const rowWorkers = { ...state.rowWorkers };
    for (const r of results) rowWorkers[`${r.host}:${r.pid}`] = (rowWorkers[`${r.host}:${r.pid}`] ?? 0) + 1;
    const finished: TrainedState = { ...state, timings, rowWorkers };
    const rows = kind.nextRound === undefined ? null : await kind.nextRound({ version, params: state.buildParams, round, writer, logger: log });
    if (rows === null || rows.length === 0) return publish(job, kind, version, finished, log);
    return startRound(job, token, kind, version, { ...finished, round: round + 1, rows, expected: countBy(rows.map((r) => r.table)), retries: 0 }, log);
  }

  /**
   * Queues model selection's follow-up rebuild if a served ranking kind is not trained with its
   * tuned parameters (tuned-retrain.ts). Best effort: the kind is published either way, and the
   * next publish checks again.
   */
  async function retrainTuned(meta: KindMeta, log: ComputeDeps['logger']): Promise<void> {
    try {
      const stale = await requestTunedRetrain(deps, { models, lifecycle, datasets }, meta);
      if (stale.length > 0) log.info({ stale }, 'kinds not trained with their tuned parameters: follow-up rebuild requested');
    } catch (err) {
      log.warn({ err }, 'could not check or request the tuned follow-up rebuild');
    }
  }

  /** Drops the scratch tables, records the kind version's meta and publishes it. */
  async function publish(job: KindJob, kind: ModelKind, version: string, state: TrainedState, log: ComputeDeps['logger']): Promise<KindJobResult> {
    const timings = { ...state.timings };
    for (const name of state.scratch) await writer.dropTable(version, name);
    const t = performance.now();
    const meta: KindMeta = {
      id: version,
      kind: kind.name,
      datasetVersion: state.datasetVersion,
      datasetCreatedAt: state.datasetCreatedAt,
      params: state.params,
      buildParams: state.buildParams,
      timings,
      shards: state.shards,
      tables: await writer.collectStamps(version),
      info: state.info,
      host: hostname(),
      createdAt: state.createdAt,
    };
    meta.timings.total = Date.now() - state.startedAt;
    await writer.writeKindMeta(meta);
    const outcome = await lifecycle.publishKind(meta, deps.registry.composition());
    timings.publish = performance.now() - t;
    if (outcome.published) await retrainTuned(meta, log);
    await job.updateData({ ...job.data, step: 'done', version });
    await deps.locks.release(kind.name, job.id!);
    await reporter(job, kind)(kind.stages[kind.stages.length - 1], 100);
    const modelVersion = await models.currentVersion();
    const result = outcome.published ? 'published' : outcome.waiting ? 'waiting' : 'stale';
    log.info({ outcome: result, modelVersion, timings }, `kind ${kind.name} ${result}`);
    return { kind: kind.name, version, datasetVersion: state.datasetVersion, outcome: result, modelVersion, timings, host: hostname(), pid: process.pid, workers: workersOf(state.rowWorkers) };
  }
}

/** The kinds planned by this job's rebuild; only this kind when it was started alone. */
function parentPlanned(job: KindJob): string[] {
  const planned = job.data.planned ?? [];
  return planned.length > 0 ? planned : [job.data.kind];
}

/** Wall time of a table's row jobs, ms: from the first one's start to the last one's end. */
function tableWallMs(rows: readonly RowsJobResult[]): number {
  return rows.length === 0 ? 0 : Math.max(...rows.map((r) => r.finishedAt)) - Math.min(...rows.map((r) => r.startedAt));
}

/** The processes that ran this kind job (this one) and its row jobs (`host:pid` -> jobs), with their job counts. */
function workersOf(rowWorkers: Readonly<Record<string, number>>): KindJobResult['workers'] {
  const byProcess = new Map<string, { host: string; pid: number; jobs: number }>([[`${hostname()}:${process.pid}`, { host: hostname(), pid: process.pid, jobs: 1 }]]);
  for (const [key, jobs] of Object.entries(rowWorkers)) {
    const at = key.lastIndexOf(':');
    const w = byProcess.get(key) ?? { host: key.slice(0, at), pid: Number(key.slice(at + 1)), jobs: 0 };
    w.jobs += jobs;
    byProcess.set(key, w);
  }
  return [...byProcess.values()];
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
