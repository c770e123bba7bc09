/**
 * The ingest pipeline: a staged upload becomes a new dataset version, atomically.
 *
 * 1. detect the files; stop as "unchanged" when the input hash equals the current dataset's;
 * 2. parse movies and users first, then ratings against the known ids (streamed from Redis);
 * 3. append mode: merge into the current version (re-ratings overwrite);
 * 4. stage the version under its own keys (registered in `dataset:staging`);
 * 5. compare-and-set `dataset:current` from the version we started from. If another ingest
 *    switched it meanwhile, discard and redo from step 2 on the new base, so concurrent
 *    ingests end as if applied one after the other;
 * 6. prune versions beyond the previous two.
 * Any failure discards the staged keys, so the current dataset and the key space are unchanged.
 */
import { InputError, RATING_SCALES, type Release } from '@movielens/core';
import type { IngestProgress } from '@movielens/jobs';
import { DatasetStore, DatasetWriter, UploadStore, type DatasetMeta, type IngestReport, type KeySchema, type RedisClient } from '@movielens/store';
import { assembleDataset, type BaseDataset, type Delta } from './dataset-assembly';
import { fileReports, unchangedReport, type FileStats } from './ingest-report';
import { checkAppendRelease, checkInputsForMode, contentHash, detectStagedFiles, parseMovies, parseRatings, parseUsers, type StagedInputs } from './staged-input';

/** What the pipeline works with. */
export interface IngestDeps {
  redis: RedisClient;
  keys: KeySchema;
  /** Ratings per stored chunk; default DatasetWriter's (131,072). */
  chunkSize?: number;
  /** Clock, ms since the epoch; default Date.now. */
  now?: () => number;
  /** Staged versions of other owners older than this are crash leftovers and deleted, ms. Default 6 h. */
  staleStagingMs?: number;
  /**
   * False when the owner of a staged version (`ingest:<jobId>`, `live:<jobId>`) can no longer
   * write it: its job completed, failed or is gone. Its staged keys are then deleted at once
   * instead of after `staleStagingMs`. Default: every owner may still write.
   */
  ownerIsLive?: (owner: string) => Promise<boolean>;
}

/** One ingest to run. */
export interface IngestRequest {
  uploadId: string;
  mode: 'replace' | 'append';
  /** Bad lines tolerated per file. */
  maxErrors: number;
  /** Id of the version to write. Deterministic per job, so a retry overwrites, never duplicates. */
  version: string;
  /** Who runs it (e.g. `ingest:<jobId>`): a retry deletes the keys its earlier attempt left. */
  owner: string;
}

/** Receives progress; may be async. Throwing aborts the ingest (its staged keys are deleted). */
export type ProgressHook = (progress: IngestProgress) => void | Promise<void>;

/** Pointer switches tried before giving up when other ingests keep winning. */
const MAX_SWITCH_ATTEMPTS = 10;

/** Runs one ingest; resolves with its report. Throws InputError for bad input (nothing written). */
export async function runIngest(deps: IngestDeps, request: IngestRequest, onProgress: ProgressHook = () => {}): Promise<IngestReport> {
  const now = deps.now ?? Date.now;
  const started = now();
  const uploads = new UploadStore(deps.redis, deps.keys);
  const datasets = new DatasetStore(deps.redis, deps.keys);
  const writer = new DatasetWriter(deps.redis, deps.keys, deps.chunkSize);

  const manifest = await uploads.manifest(request.uploadId);
  if (manifest === null) throw new InputError(`upload ${request.uploadId} does not exist or expired (uploads are kept 24 h)`);
  const inputs = await detectStagedFiles(uploads, request.uploadId, manifest.files);
  checkInputsForMode(inputs, request.mode);
  const hash = contentHash(manifest.files, request.mode);
  // An earlier attempt that committed before its process died: sweeping would delete the current version.
  const done = await committedMeta(datasets, deps, request.version);
  if (done !== null) {
    await writer.unregister(request.version);
    return done.report;
  }
  await sweepStaging(writer, request, now() - (deps.staleStagingMs ?? 6 * 3600_000), deps.ownerIsLive);

  for (let attempt = 1; attempt <= MAX_SWITCH_ATTEMPTS; attempt++) {
    const parent = await datasets.currentVersion();
    const parentMeta = parent === null ? null : await datasets.meta(parent);
    if (parent !== null && parentMeta !== null) await writer.ensureListed(parent, parentMeta.createdAt);
    checkAppendRelease(inputs, request.mode, parentMeta);
    const unchanged = unchangedReport(request, inputs, hash, parentMeta, now() - started);
    if (unchanged !== null) return unchanged;
    try {
      const meta = await stageVersion({ deps, request, inputs, hash, uploads, datasets, writer, parent, parentMeta, started, onProgress });
      if (await commitStaged(writer, request, parent, meta.createdAt)) {
        await writer.prune();
        await onProgress({ phase: 'done', done: inputs.totalBytes, total: inputs.totalBytes });
        return meta.report;
      }
    } catch (err) {
      await writer.discard(request.version);
      throw err;
    }
    // Another ingest switched the pointer first: redo against the new current version.
    await writer.discard(request.version);
  }
  throw new Error(`dataset pointer kept changing: gave up after ${MAX_SWITCH_ATTEMPTS} attempts (too many concurrent ingests)`);
}

/**
 * The meta of version `ver` when an earlier attempt of the job already made it current (the
 * pointer switched, or it is listed), else null. A retried job then reports that version
 * instead of sweeping it as a leftover.
 */
export async function committedMeta(datasets: DatasetStore, deps: Pick<IngestDeps, 'redis' | 'keys'>, ver: string): Promise<DatasetMeta | null> {
  const listed = (await deps.redis.zscore(deps.keys.datasetVersions(), ver)) !== null;
  if (!listed && (await datasets.currentVersion()) !== ver) return null;
  return datasets.meta(ver);
}

/**
 * Deletes staged versions left by an earlier attempt of this job, those of other owners that
 * `ownerIsLive` says have ended (a job that failed for good after its process died mid-write),
 * and stale ones (begun before `staleBefore`). A version among them that was committed (its
 * process died between the pointer switch and unregistering it) is only unregistered: its keys
 * are a dataset version.
 */
export async function sweepStaging(
  writer: DatasetWriter,
  request: Pick<IngestRequest, 'version' | 'owner'>,
  staleBefore: number,
  ownerIsLive: (owner: string) => Promise<boolean> = async () => true,
): Promise<void> {
  for (const [ver, record] of await writer.staging()) {
    if (ver !== request.version && record.owner !== request.owner && record.startedAt >= staleBefore && (await ownerIsLive(record.owner))) continue;
    if (await writer.isCommitted(ver)) await writer.unregister(ver);
    else await writer.discard(ver);
  }
  await writer.discard(request.version);
}

/**
 * Switches the current pointer to the staged `request.version` (see DatasetWriter.commit), after
 * checking that its staging record is still this owner's: when another job swept it (this
 * job's attempt was given up while it still ran), its keys may be gone, and it throws instead.
 */
export async function commitStaged(writer: DatasetWriter, request: Pick<IngestRequest, 'version' | 'owner'>, parent: string | null, createdAt: number): Promise<boolean> {
  const owner = await writer.stagingOwner(request.version);
  if (owner !== request.owner) {
    throw new Error(`staged dataset version ${request.version} is no longer registered to ${request.owner} (${owner === null ? 'swept' : `now ${owner}`}): its job was given up while this attempt wrote it, so it does not switch`);
  }
  return writer.commit(request.version, parent, createdAt);
}

interface StageContext {
  deps: IngestDeps;
  request: IngestRequest;
  inputs: StagedInputs;
  hash: string;
  uploads: UploadStore;
  datasets: DatasetStore;
  writer: DatasetWriter;
  parent: string | null;
  parentMeta: DatasetMeta | null;
  started: number;
  onProgress: ProgressHook;
}

/** Parses, assembles and writes the version (not yet current); returns its meta. */
async function stageVersion(ctx: StageContext): Promise<DatasetMeta> {
  const { request, inputs, uploads, datasets, writer, parent, parentMeta } = ctx;
  const now = ctx.deps.now ?? Date.now;
  const base: BaseDataset | null =
    request.mode === 'append' && parent !== null && parentMeta !== null
      ? {
          ratings: await datasets.loadRatings(parent),
          movies: await datasets.loadMovies(parent),
          users: await datasets.loadUsers(parent),
          hasMovieInfo: parentMeta.hasMovieInfo,
          hasUserInfo: parentMeta.hasUserInfo,
        }
      : null;

  let bytesDone = 0;
  const onBytes = (n: number) => ctx.onProgress({ phase: 'parse', done: (bytesDone += n), total: inputs.totalBytes });
  const opts = { maxErrors: request.maxErrors };
  const fileStats = new Map<string, FileStats>();
  const delta: Delta = {};
  if (inputs.movies) {
    const r = await parseMovies(uploads, request.uploadId, inputs.movies, opts, onBytes);
    delta.movies = r.movies;
    fileStats.set(inputs.movies.staged.name, r);
  }
  if (inputs.users) {
    const r = await parseUsers(uploads, request.uploadId, inputs.users, opts, onBytes);
    delta.users = r.users;
    fileStats.set(inputs.users.staged.name, r);
  }
  let duplicates: IngestReport['duplicates'] = { count: 0, examples: [] };
  if (inputs.ratings) {
    // Ids described by the upload's files, plus (append) those the current version describes.
    const knownMovies = delta.movies || base?.hasMovieInfo ? new Set([...(delta.movies ?? []), ...(base?.movies ?? [])].map((m) => m.id)) : undefined;
    const knownUsers = delta.users || base?.hasUserInfo ? new Set([...(delta.users ?? []), ...(base?.users ?? [])].map((u) => u.id)) : undefined;
    const r = await parseRatings(uploads, request.uploadId, inputs.ratings, { ...opts, knownMovies, knownUsers }, onBytes);
    delta.ratings = r.table;
    duplicates = r.duplicates;
    fileStats.set(inputs.ratings.staged.name, r);
  }

  await ctx.onProgress({ phase: 'write', done: inputs.totalBytes, total: inputs.totalBytes });
  const data = assembleDataset(delta, base);
  if (data.ratings.length === 0) throw noRatingsError(inputs, fileStats);
  const createdAt = now();
  await writer.begin(request.version, { owner: request.owner, chunkBound: Math.ceil(data.ratings.length / writer.chunkSize), startedAt: createdAt });
  const chunks = await writer.writeRatings(request.version, data.ratings);
  await writer.writeMovies(request.version, data.movies);
  await writer.writeUsers(request.version, data.users);

  const release: Release = inputs.ratings?.detected.release ?? parentMeta?.release ?? inputs.all[0].detected.release;
  const stats = [...fileStats.values()];
  const skipped = stats.flatMap((s) => s.skipped);
  const report: IngestReport = {
    mode: request.mode,
    unchanged: false,
    datasetVersion: request.version,
    parentVersion: parent,
    files: fileReports(inputs, fileStats),
    read: { ratings: delta.ratings?.length ?? 0, movies: delta.movies?.length ?? 0, users: delta.users?.length ?? 0 },
    skipped,
    skippedTotal: stats.reduce((sum, s) => sum + s.skippedTotal, 0),
    duplicates,
    overwritten: data.overwritten,
    durationMs: now() - ctx.started,
  };
  const meta: DatasetMeta = {
    version: request.version,
    parent,
    createdAt,
    release,
    ratingScale: { ...RATING_SCALES[release] },
    counts: data.counts,
    chunks,
    chunkSize: writer.chunkSize,
    hasMovieInfo: data.hasMovieInfo,
    hasUserInfo: data.hasUserInfo,
    contentHash: ctx.hash,
    report,
    // Live ratings up to the parent's mark are in its ratings (append keeps them) or replaced
    // with them (replace: the dump is the whole truth); later ones are applied on top by the next apply.
    ...(parentMeta?.live === undefined ? {} : { live: parentMeta.live }),
  };
  await writer.writeMeta(meta);
  return meta;
}

/** Why a new version would have no ratings, naming the file (line 0: the whole file). */
function noRatingsError(inputs: StagedInputs, fileStats: ReadonlyMap<string, FileStats>): InputError {
  if (inputs.ratings === undefined) {
    const file = inputs.all[0].staged.name;
    return new InputError('the resulting dataset has no ratings: the first ingest needs a ratings file', [{ file, line: 0, reason: 'no ratings file, and no current dataset to add to' }]);
  }
  const file = inputs.ratings.staged.name;
  const bad = fileStats.get(file)?.skippedTotal ?? 0;
  const reason = `no valid ratings: all ${bad} rating line${bad === 1 ? ' was' : 's were'} skipped as bad`;
  return new InputError(`${file}: ${reason}`, [...(fileStats.get(file)?.skipped ?? []), { file, line: 0, reason }]);
}
