import { availableParallelism } from 'node:os';
import { QueueEvents } from 'bullmq';
import { InputError } from '@movielens/core';
import { computeWorkersReady, rebuildParamsSchema, rebuildProgressSchema, startComputeWorkers, type RebuildResult } from '@movielens/compute';
import { bullPrefix, createQueue, decodeJobResult, hasActiveWorkers, QueueName, rebuildResultSchema, requestRebuild } from '@movielens/jobs';
import { createLogger } from '@movielens/config';
import type { Command, CommandContext } from '../command';
import { createProgress } from '../progress';
import { connectRedis } from '../redis-connection';

/** Parses a whole-number option; undefined when absent. */
export function intOption(ctx: CommandContext, name: string): number | undefined {
  const raw = ctx.args.values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new InputError(`--${name} must be a whole number, got '${String(raw)}'`);
  return n;
}

/** The `--json` result of `movielens rebuild`. */
export interface RebuildCommandResult extends RebuildResult {
  jobId: string;
  /** Where the rebuild ran: compute worker processes, or this process (none was listening). */
  ranBy: 'worker' | 'cli';
}

async function run(ctx: CommandContext): Promise<unknown> {
  const given: Record<string, number | boolean | undefined> = {
    k: intOption(ctx, 'k'),
    topK: intOption(ctx, 'top-k'),
    recsN: intOption(ctx, 'recs-n'),
    minCount: intOption(ctx, 'min-count'),
    parts: intOption(ctx, 'parts'),
    mfSamples: intOption(ctx, 'mf-samples'),
    mf: ctx.args.values['skip-mf'] === true ? false : undefined,
    lstm: ctx.args.values.lstm === true ? true : undefined,
    lstmEpochs: intOption(ctx, 'lstm-epochs'),
    lstmThreads: intOption(ctx, 'lstm-threads'),
  };
  const parsed = rebuildParamsSchema.partial().safeParse(given);
  if (!parsed.success) throw new InputError(`bad rebuild option: ${parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join('; ')}`);
  // Only the options given: zod fills every default into the partial object, and a default is
  // not an explicit value (it would override model selection's tuned values and the recipe).
  const params = Object.fromEntries(Object.entries(parsed.data).filter((e): e is [string, number | boolean] => given[e[0]] !== undefined && (typeof e[1] === 'number' || typeof e[1] === 'boolean')));
  const conn = await connectRedis(ctx);
  const queue = createQueue(QueueName.rebuild, { connection: conn.bull, keyPrefix: conn.keyPrefix });
  const events = new QueueEvents(QueueName.rebuild, { connection: conn.bull, prefix: bullPrefix(conn.keyPrefix) });
  let local: ReturnType<typeof startComputeWorkers> | null = null;
  try {
    await events.waitUntilReady();
    const remote = await hasActiveWorkers(queue);
    const job = await requestRebuild(queue, { trigger: 'cli', params }, { debounceMs: 0 });
    if (remote && ctx.args.values.wait !== true) {
      ctx.print(`queued rebuild job ${job.id}; a compute worker is running it (add --wait to follow it)`);
      return { jobId: job.id, queued: true };
    }
    if (!remote) {
      // Nobody listens: run the same processors here, both queues, until the job is done. Silent
      // logs: stdout carries the result (--json), and a failure surfaces as the command's error.
      local = startComputeWorkers({ redis: conn.redis, connection: conn.bull, keys: conn.keys, bullPrefix: bullPrefix(conn.keyPrefix), logger: createLogger('cli-rebuild', 'silent'), shardConcurrency: availableParallelism() });
      await computeWorkersReady(local);
    }
    const bar = createProgress(ctx, 'rebuild');
    // The job's progress never moves back (0..100 over every kind it trains); the bar follows it
    // and names each kind's stage: the kinds train side by side, on any compute worker.
    const listener = ({ jobId, data }: { jobId: string; data: unknown }) => {
      // Validated, not cast: an ingest-shaped or partial payload is skipped, not drawn as NaN.
      const parsed = jobId === job.id ? rebuildProgressSchema.safeParse(data) : null;
      if (parsed?.success !== true) return;
      const p = parsed.data;
      const kinds = Object.entries(p.kinds).map(([kind, k]) => `${kind} ${k.stage} ${k.percent}%`).join(', ');
      bar.update(p.percent, 100, kinds === '' ? p.stage : kinds);
    };
    events.on('progress', listener);
    let result: RebuildResult;
    try {
      // Validated, not cast: a worker of another version (or a corrupt value) fails here, naming the job.
      result = decodeJobResult(rebuildResultSchema, await job.waitUntilFinished(events), `rebuild job ${job.id}`);
    } finally {
      events.off('progress', listener);
      bar.stop();
    }
    if (result.noop) ctx.print(`model ${result.modelVersion} is up to date with dataset ${result.datasetVersion}: nothing to rebuild`);
    else {
      const t = result.timings;
      const kinds = Object.values(result.kinds).map((k) => `${k.kind} ${k.outcome} ${(((k.timings.total ?? 0) as number) / 1000).toFixed(2)}s`).join(', ');
      ctx.print(`model ${result.modelVersion} from dataset ${result.datasetVersion} in ${((t.total ?? 0) / 1000).toFixed(2)} s (${kinds})`);
      ctx.print(`  top singular values: ${result.singularValues.slice(0, 5).map((s) => s.toFixed(1)).join(', ')}; explained variance ${(100 * result.explainedVariance).toFixed(1)}%`);
      ctx.print(`  kind and row jobs ran on ${result.shardWorkers.map((w) => `${w.host}:${w.pid} (${w.jobs})`).join(', ')}`);
    }
    return { jobId: job.id!, ranBy: remote ? 'worker' : 'cli', ...result } satisfies RebuildCommandResult;
  } finally {
    await local?.close();
    await Promise.all([events.close(), queue.close()]);
    await conn.close();
  }
}

/** `movielens rebuild`: build a new model version from the current dataset. */
export const rebuildCommand: Command = {
  name: 'rebuild',
  summary: 'Build a new model version (SVD, MF rating model, similar movies, recommendations, analytics) from the current dataset',
  usage: [
    'Usage: movielens rebuild [--k 50] [--top-k 50] [--recs-n 100] [--min-count 0] [--parts 0] [--mf-samples 40] [--skip-mf] [--lstm [--lstm-epochs 8] [--lstm-threads 0]] [--wait]',
    '',
    'Runs a rebuild job on the compute workers if one is listening, otherwise in this process.',
    'A rebuild with the dataset version and parameters of the current model changes nothing.',
    '',
    '  --k N          SVD factors (default 50)',
    '  --top-k N      similar movies kept per movie (default 50)',
    '  --recs-n N     recommendations kept per user (default 100)',
    '  --min-count N  leave movies with fewer ratings out of similar lists (default 0: off)',
    '  --parts N      shard jobs per table (default 0: by dataset size, 8 to 64)',
    '  --mf-samples N Gibbs samples of the trained MF rating model (default 40; cost grows linearly)',
    '  --skip-mf      do not train the MF rating model (/users/:id/predictions then answers 503)',
    '  --lstm         also train the next-movie LSTM (/users/:id/next, /sessions/next; ~47 CPU s an epoch on ML-1M)',
    '  --lstm-epochs N  LSTM epochs (default 8)',
    '  --lstm-threads N LSTM training threads (default 0: the worker\'s cores, at most 8; 1 is reproducible for a seed)',
    '  --wait         with a compute worker listening: follow the job until it is done',
    '  --json         print the job result (model version, timings, singular values) as JSON; with a',
    '                 compute worker listening and no --wait, only {"jobId", "queued": true}',
  ].join('\n'),
  options: {
    k: { type: 'string' },
    'top-k': { type: 'string' },
    'recs-n': { type: 'string' },
    'min-count': { type: 'string' },
    parts: { type: 'string' },
    'mf-samples': { type: 'string' },
    'skip-mf': { type: 'boolean', default: false },
    lstm: { type: 'boolean', default: false },
    'lstm-epochs': { type: 'string' },
    'lstm-threads': { type: 'string' },
    wait: { type: 'boolean', default: false },
  },
  run,
};
