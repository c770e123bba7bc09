import { UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import { InputError } from '@movielens/core';
import { kindJobResultSchema, QueueName, readChildResults, rebuildJobSchema, rebuildStepSchema, ShardJobName, type KindJobData, type KindJobResult, type RebuildJobData, type RebuildStep } from '@movielens/jobs';
import { DatasetStore, ModelLifecycle, ModelStore, type ModelMeta } from '@movielens/store';
import type { ComputeDeps } from '../compute.deps';
import { isPermanent, RebuildJobError, unrecoverable } from '../errors';
import { inheritsRecipe } from './build-params';
import { childOptions, issuesOf, sameParams } from './job-helpers';
import { planParams } from './plan-params';

/** Return value of a rebuild job. */
export interface RebuildResult {
  /** The set version served after the rebuild: the new one, or the current one when nothing was built. */
  modelVersion: string | null;
  /** True when every kind was already up to date with this dataset and these params. */
  noop: boolean;
  datasetVersion: string;
  /** What each planned kind's job did. */
  kinds: Record<string, KindJobResult>;
  /** Stage timings of the kinds' jobs, ms, merged; `total` is the rebuild's wall time. */
  timings: Record<string, number>;
  singularValues: number[];
  explainedVariance: number;
  /** Every process that ran a kind job or a row job of this rebuild, with its number of jobs. */
  shardWorkers: { host: string; pid: number; jobs: number }[];
}

/**
 * BullMQ priority of kind jobs (lower runs first): after row jobs (`ROWS_PRIORITY`), so a kind
 * whose rows wait never queues behind the next kinds' whole trainings.
 */
const KIND_PRIORITY = 10;

/** A rebuild job: its payload and the step state it records (`rebuildStepSchema`, validated when read). */
type RebuildJob = Job<RebuildJobData & Partial<RebuildStep>, RebuildResult>;

/**
 * The processor of `rebuild` jobs: a thin orchestrator (BullMQ step job). Step `plan`: the
 * parameters (explicit ones, an ingest- or selection-triggered rebuild inheriting the recipe, over
 * the served selection's tuned values, over defaults), the current dataset, and
 * one `kind` job for each enabled kind that the served set does not already have for this data
 * and these parameters (turned-off kinds are retired). Kind jobs run on any compute worker, side
 * by side, and each publishes on its own. Step `kinds`: once they all ended, the summary; a kind
 * that failed fails the rebuild, naming it (the others stay published).
 */
export function createRebuildProcessor(deps: ComputeDeps) {
  const datasets = new DatasetStore(deps.redis, deps.keys);
  const models = new ModelStore(deps.redis, deps.keys);
  const lifecycle = new ModelLifecycle(deps.redis, deps.keys, { keep: deps.keepVersions });

  return async function processRebuild(job: RebuildJob, token?: string): Promise<RebuildResult> {
    if (token === undefined || job.id === undefined) throw unrecoverable(new RebuildJobError('rebuild jobs need a worker token and a job id'));
    const step = rebuildStepSchema.safeParse(job.data);
    if (!step.success) throw unrecoverable(new RebuildJobError(`invalid rebuild step state: ${issuesOf(step.error)}`, { cause: step.error }));
    try {
      if (step.data.step === 'kinds' && step.data.planned !== undefined) {
        // A retried or stalled summary: wait for the kind jobs again (false: all of them ended).
        if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
        return await summarize(job, step.data);
      }
      return await plan(job, token);
    } catch (err) {
      if (err instanceof WaitingChildrenError) throw err;
      if (isPermanent(err)) throw unrecoverable(err as Error);
      throw err;
    }
  };

  async function plan(job: RebuildJob, token: string): Promise<RebuildResult> {
    const startedAt = Date.now();
    const parsed = rebuildJobSchema.safeParse(job.data);
    if (!parsed.success) throw new InputError(`invalid rebuild payload: ${issuesOf(parsed.error)}`, [], { cause: parsed.error });
    const servedVer = await models.currentVersion();
    const served = servedVer === null ? null : await models.meta(servedVer);
    // Explicit values, then the served selection's tuned ones, then defaults (build-params.ts).
    const { params, explicit } = await planParams(deps.registry, { models, lifecycle }, parsed.data.trigger, job.data.params, served);
    // The recipe an ingest-triggered rebuild inherits: the last one asked for (its explicit values), even if still training.
    if (!inheritsRecipe(parsed.data.trigger)) await lifecycle.setRecipe(explicit);
    const datasetVersion = await datasets.currentVersion();
    if (datasetVersion === null) throw new InputError('no dataset has been ingested yet: run `movielens ingest <dir>` first');
    const planned: string[] = [];
    for (const kind of deps.registry.kinds) {
      const ref = served?.kinds?.[kind.name];
      if (!deps.registry.isEnabled(kind, params)) {
        if (ref !== undefined && !kind.required) await lifecycle.retireKind(kind.name, deps.registry.composition());
        continue;
      }
      if (ref !== undefined && ref.datasetVersion === datasetVersion && sameParams(ref.params, deps.registry.paramsOf(kind, params))) continue;
      planned.push(kind.name);
    }
    const log = deps.logger.child({ jobId: job.id, queue: QueueName.rebuild, datasetVersion });
    if (planned.length === 0) {
      log.info({ modelVersion: servedVer }, 'every kind is up to date: nothing to rebuild');
      const current = await models.currentVersion();
      const meta = current === null ? null : await models.meta(current);
      return { modelVersion: current, noop: true, datasetVersion, kinds: {}, timings: {}, singularValues: meta?.singularValues ?? [], explainedVariance: meta?.explainedVariance ?? 0, shardWorkers: [] };
    }
    await job.updateData({ ...job.data, step: 'kinds', planned, datasetVersion, startedAt });
    await deps.flow.addBulk(
      planned.map((kind) => ({
        name: ShardJobName.kind,
        queueName: QueueName.rebuildShard,
        prefix: deps.bullPrefix,
        data: { kind, params: { ...params }, datasetVersion, planned } satisfies KindJobData,
        // A failed kind must not stop the others: the summary reports it. Kinds are taken in
        // registry order (svd first: it is what an upload waits to see), after any row job.
        opts: { ...childOptions(job), failParentOnFailure: false, ignoreDependencyOnFailure: true, priority: KIND_PRIORITY + deps.registry.kinds.findIndex((k) => k.name === kind) },
      })),
    );
    await deps.progress.advance(job.id!, planned, null, null);
    log.info({ planned }, 'kind jobs added');
    if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
    return summarize(job, { step: 'kinds', planned, datasetVersion, startedAt });
  }

  /** Step `kinds`: the summary of the kind jobs, once they all ended (`state`: the step state the plan step recorded). */
  async function summarize(job: RebuildJob, state: RebuildStep): Promise<RebuildResult> {
    const planned = state.planned ?? [];
    // Validated, not cast: a corrupt stored result fails the rebuild naming the kind job (JobResultError, permanent).
    const results = Object.values(await readChildResults(job, kindJobResultSchema, `rebuild job ${job.id}`)).filter((r) => planned.includes(r.kind));
    const kinds = Object.fromEntries(results.map((r) => [r.kind, r]));
    const failures = Object.values(await job.getIgnoredChildrenFailures());
    const current = await models.currentVersion();
    const meta: ModelMeta | null = current === null ? null : await models.meta(current);
    // This rebuild's own svd facts (another rebuild may have published since), else the served set's.
    const svd = kinds.svd === undefined ? null : await models.kindMeta(kinds.svd.version);
    const svdFields = svd === null ? null : (deps.registry.get('svd')?.setFields?.(svd) ?? null);
    const timings: Record<string, number> = Object.assign({}, ...results.map((r) => r.timings));
    timings.total = Date.now() - (state.startedAt ?? job.timestamp);
    await job.updateData({ ...job.data, step: 'done' });
    const missing = planned.filter((k) => kinds[k] === undefined);
    if (failures.length > 0 || missing.length > 0) {
      // Retrying would re-run every kind; each kind job already had its own attempts.
      throw new UnrecoverableError(`kinds ${missing.join(', ')} failed (${failures.map(String).join('; ').slice(0, 500)}); the other kinds were published`);
    }
    await deps.progress.advance(job.id!, planned, null, null);
    const workers = new Map<string, { host: string; pid: number; jobs: number }>();
    for (const w of results.flatMap((r) => r.workers ?? [])) {
      const key = `${w.host}:${w.pid}`;
      workers.set(key, { host: w.host, pid: w.pid, jobs: (workers.get(key)?.jobs ?? 0) + w.jobs });
    }
    return {
      modelVersion: current,
      noop: false,
      datasetVersion: state.datasetVersion ?? meta?.datasetVersion ?? '',
      kinds,
      timings,
      singularValues: svdFields?.singularValues ?? meta?.singularValues ?? [],
      explainedVariance: svdFields?.explainedVariance ?? meta?.explainedVariance ?? 0,
      shardWorkers: [...workers.values()],
    };
  }
}
