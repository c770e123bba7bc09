import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Queue } from 'bullmq';
import { InputError, MovieLensError } from '@movielens/core';
import { createIngestProcessor } from '@movielens/ingest';
import { createQueue, createQueueEvents, decodeJobResult, enqueueIngest, hasActiveWorkers, ingestReportSchema, QueueName, runInProcess, type IngestJobData, type IngestJobResult } from '@movielens/jobs';
import { DatasetStore, isReleaseFile, RELEASE_FILES, UploadStore } from '@movielens/store';
import type { Command, CommandContext } from '../command';
import { createProgress, followJobProgress } from '../progress';
import { connectRedis } from '../redis-connection';
import { stageUpload } from './ingest-upload';

/**
 * The files named on the command line: folders contribute their MovieLens dataset files (the
 * release files a zip contributes too; splits like u1.base are left out), files and zips are
 * taken as named.
 */
export function collectFiles(paths: string[]): string[] {
  if (paths.length === 0) throw new InputError('name a folder or files to ingest, e.g. `movielens ingest ./ml-100k`');
  const files: string[] = [];
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new InputError(`${path}: no such file or folder`, [{ file: basename(path), line: 0, reason: 'no such file or folder' }]);
    }
    if (!stat.isDirectory()) {
      files.push(path);
      continue;
    }
    const found = readdirSync(path).filter(isReleaseFile);
    if (found.length === 0) throw new InputError(`${path}: no MovieLens files in this folder (looked for ${RELEASE_FILES.join(', ')})`);
    files.push(...found.sort().map((name) => join(path, name)));
  }
  return files;
}

/** Parses `--max-errors`. */
function maxErrorsOf(value: unknown): number {
  const n = Number(value ?? 0);
  if (!Number.isInteger(n) || n < 0) throw new InputError(`--max-errors must be a whole number >= 0, got '${String(value)}'`);
  return n;
}

/** The `--json` result of a finished ingest. */
export interface IngestCommandResult {
  jobId: string;
  datasetVersion: string;
  /** Staged file names (zip entries by base name), as `POST /datasets` answers them. */
  files: string[];
  /** Zip entries left out (not a ratings/movies/users file). */
  skipped: string[];
  unchanged: boolean;
  /** Counts of the resulting (current) dataset. */
  counts: { ratings: number; users: number; movies: number };
  report: IngestJobResult;
  /** Where the job ran: a worker process listening on the queue, or this process. */
  ranBy: 'worker' | 'cli';
}

async function run(ctx: CommandContext): Promise<unknown> {
  const mode = String(ctx.args.values.mode ?? 'replace');
  if (mode !== 'replace' && mode !== 'append') throw new InputError(`--mode must be replace or append, got '${mode}'`);
  const maxErrors = maxErrorsOf(ctx.args.values['max-errors']);
  const files = collectFiles(ctx.args.positionals);
  const conn = await connectRedis(ctx);
  const queue = createQueue<IngestJobData, IngestJobResult>(QueueName.ingest, { connection: conn.bull, keyPrefix: conn.keyPrefix });
  const events = createQueueEvents(QueueName.ingest, { connection: conn.bull, keyPrefix: conn.keyPrefix });
  const rebuildQueue = createQueue(QueueName.rebuild, { connection: conn.bull, keyPrefix: conn.keyPrefix });
  try {
    // Stream every file into Redis: a worker on any machine reads it from there.
    const uploads = new UploadStore(conn.redis, conn.keys);
    const uploadId = await uploads.create();
    const upload = createProgress(ctx, 'upload');
    const staged = await stageUpload(uploads, uploadId, files, upload).finally(() => upload.stop());
    ctx.print(`uploaded ${staged.files.length} file(s), ${(staged.bytes / 1e6).toFixed(1)} MB: ${staged.files.join(', ')}`);
    if (staged.skipped.length > 0) ctx.print(`  skipped ${staged.skipped.length} other zip entries (not a ratings/movies/users file): ${staged.skipped.slice(0, 5).join(', ')}${staged.skipped.length > 5 ? ', ...' : ''}`);

    await events.waitUntilReady();
    const job = await enqueueIngest(queue, { uploadId, mode, maxErrors });
    if (ctx.args.values['no-wait'] === true) {
      ctx.print(`queued ingest job ${job.id} (upload ${uploadId}); follow it with \`movielens status\``);
      return { jobId: job.id, uploadId, files: staged.files, skipped: staged.skipped, queued: true };
    }
    const parse = createProgress(ctx, 'ingest');
    const unfollow = followJobProgress(events, job.id!, parse);
    const remote = await hasActiveWorkers(queue);
    let report: IngestJobResult;
    try {
      // The result comes back from Redis either way: validated, not cast.
      const result = remote
        ? await job.waitUntilFinished(events)
        : await runInProcess(queue, job, createIngestProcessor({ redis: conn.redis, keys: conn.keys, rebuildQueue, ingestQueue: queue }), { connection: conn.bull, keyPrefix: conn.keyPrefix, events });
      report = decodeJobResult(ingestReportSchema, result, `ingest job ${job.id}`);
    } catch (err) {
      throw await explainFailure(queue, job.id!, err);
    } finally {
      unfollow();
      parse.stop();
    }
    const meta = await new DatasetStore(conn.redis, conn.keys).meta(report.datasetVersion);
    const counts = meta ? { ratings: meta.counts.ratings, users: meta.counts.users, movies: meta.counts.movies } : { ratings: 0, users: 0, movies: 0 };
    printSummary(ctx, report, counts);
    return { jobId: job.id!, datasetVersion: report.datasetVersion, files: staged.files, skipped: staged.skipped, unchanged: report.unchanged, counts, report, ranBy: remote ? 'worker' : 'cli' } satisfies IngestCommandResult;
  } finally {
    await Promise.all([events.close(), queue.close(), rebuildQueue.close()]);
    await conn.close();
  }
}

/** A failed job as an error: bad input (failed without retry) becomes InputError with the worker's reason. */
async function explainFailure(queue: Queue<IngestJobData, IngestJobResult>, jobId: string, err: unknown): Promise<Error> {
  const job = await queue.getJob(jobId);
  const reason = job?.failedReason ?? (err instanceof Error ? err.message : String(err));
  const retriesLeft = job !== undefined && job.attemptsMade < (job.opts.attempts ?? 1);
  if (retriesLeft) return new InputError(reason);
  return err instanceof MovieLensError ? err : new Error(`ingest failed after ${job?.attemptsMade ?? '?'} attempt(s): ${reason}`);
}

function printSummary(ctx: CommandContext, report: IngestJobResult, counts: IngestCommandResult['counts']): void {
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (report.unchanged) {
    ctx.print(`unchanged: these files are already the current dataset (version ${report.datasetVersion})`);
    return;
  }
  ctx.print(`dataset ${report.datasetVersion}: ${fmt(counts.ratings)} ratings, ${fmt(counts.users)} users, ${fmt(counts.movies)} movies (${(report.durationMs / 1000).toFixed(2)} s)`);
  if (report.overwritten > 0) ctx.print(`  ${fmt(report.overwritten)} earlier ratings replaced by re-ratings`);
  if (report.duplicates.count > 0) ctx.print(`  ${fmt(report.duplicates.count)} duplicate (user, movie) pairs in the upload: the last one kept`);
  if (report.skippedTotal > 0) {
    ctx.print(`  ${fmt(report.skippedTotal)} bad lines skipped (--max-errors):`);
    for (const s of report.skipped.slice(0, 10)) ctx.print(`    ${s.file}:${s.line}: ${s.reason}`);
  }
}

/** `movielens ingest`: upload MovieLens files into Redis and turn them into a new dataset version. */
export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'Upload MovieLens files or a release zip (ML-100K, ML-1M, CSV) into Redis as a new dataset version',
  usage: [
    'Usage: movielens ingest <folder | files... | release.zip> [--mode replace|append] [--max-errors N] [--no-wait]',
    '',
    'Streams the files into Redis and runs an ingest job: on a worker if one is listening,',
    'otherwise in this process. A folder contributes its dataset files (ratings, movies, users);',
    'a release zip (ml-100k.zip, ml-1m.zip...) contributes the same files, read as the API reads',
    'an uploaded zip: other entries are skipped, an encrypted or damaged zip is refused.',
    '',
    '  --mode replace   the files are a full dump (default; needs a ratings file)',
    '  --mode append    merge new ratings/movies/users into the current dataset (re-ratings overwrite)',
    '  --max-errors N   skip up to N bad lines per file and list them (default 0: reject the upload)',
    '  --no-wait        queue the job and return at once',
    '  --json           print the result (counts, dataset version, ingest report) as JSON',
  ].join('\n'),
  options: {
    mode: { type: 'string', default: 'replace' },
    'max-errors': { type: 'string', default: '0' },
    'no-wait': { type: 'boolean', default: false },
  },
  run,
};
