/**
 * Applying pending live ratings: the log entries after the current dataset version's mark
 * become a new dataset version, through the same staged write and compare-and-set switch as an
 * upload. The new version's meta carries the new mark, so the mark moves exactly with the
 * version: a crash before the switch leaves the entries pending (the retry applies them), one
 * after it leaves them applied (the retry finds its version current), never twice.
 */
import { allocateRatingTable, applyRatingChanges, isOnScale, type RatingTable } from '@movielens/core';
import type { LiveApplyResult } from '@movielens/jobs';
import { DatasetStore, DatasetWriter, LIVE_START, LiveRatings, type DatasetMeta, type LiveEntry } from '@movielens/store';
import { assembleDataset } from './dataset-assembly';
import { commitStaged, committedMeta, sweepStaging, type IngestDeps } from './ingest.pipeline';

/** One apply to run. */
export interface LiveApplyRequest {
  /** Id of the version to write; deterministic per job, so a retry finds or overwrites its own. */
  version: string;
  /** Who runs it (e.g. `live:<jobId>`). */
  owner: string;
  /**
   * Changes applied at most per version, about: whole log entries are read, 1,000 at a time,
   * until this many changes are in (the rest wait for the next apply). Default 500,000.
   */
  maxChanges?: number;
}

/** Log entries read per page. */
const PAGE = 1000;

/** The log entries after `after`, oldest first, until about `maxChanges` changes are in. */
async function pendingEntries(live: LiveRatings, after: string, maxChanges: number): Promise<LiveEntry[]> {
  const out: LiveEntry[] = [];
  let changes = 0;
  for (let from = after; changes < maxChanges; ) {
    const page = await live.read(from, PAGE);
    for (const e of page) {
      out.push(e);
      changes += e.changes.length;
      if (changes >= maxChanges) break;
    }
    if (page.length < PAGE) break;
    from = out[out.length - 1].id;
  }
  return out;
}

/** Pointer switches tried before giving up when uploads keep winning. */
const MAX_SWITCH_ATTEMPTS = 10;

/** Applies the pending live ratings to a new dataset version; resolves with what it did. */
export async function runLiveApply(deps: IngestDeps, request: LiveApplyRequest): Promise<LiveApplyResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const datasets = new DatasetStore(deps.redis, deps.keys);
  const writer = new DatasetWriter(deps.redis, deps.keys, deps.chunkSize);
  const live = new LiveRatings(deps.redis, deps.keys);

  const done = await committedMeta(datasets, deps, request.version);
  if (done !== null) {
    await writer.unregister(request.version);
    return { datasetVersion: done.version, created: false, entries: 0, changes: 0, skipped: 0, upTo: (done.live ?? LIVE_START).upTo };
  }
  await sweepStaging(writer, request, now() - (deps.staleStagingMs ?? 6 * 3600_000), deps.ownerIsLive);

  for (let attempt = 1; attempt <= MAX_SWITCH_ATTEMPTS; attempt++) {
    const parent = await datasets.currentVersion();
    const parentMeta = parent === null ? null : await datasets.meta(parent);
    if (parent === null || parentMeta === null) throw new Error('no current dataset to apply live ratings to (ratings are only accepted once one exists)');
    const mark = parentMeta.live ?? LIVE_START;
    const entries = await pendingEntries(live, mark.upTo, request.maxChanges ?? 500_000);
    if (entries.length === 0) return { datasetVersion: parent, created: false, entries: 0, changes: 0, skipped: 0, upTo: mark.upTo };
    try {
      const meta = await stageLiveVersion(datasets, writer, request, parentMeta, entries, started, now);
      if (await commitStaged(writer, request, parent, meta.createdAt)) {
        await writer.prune();
        const changes = meta.live!.applied - mark.applied;
        return { datasetVersion: request.version, created: true, entries: entries.length, changes, skipped: changes - meta.report.read.ratings, upTo: meta.live!.upTo };
      }
    } catch (err) {
      await writer.discard(request.version);
      throw err;
    }
    // An upload switched the pointer first: apply on top of it (its mark says what is left).
    await writer.discard(request.version);
  }
  throw new Error(`dataset pointer kept changing: gave up after ${MAX_SWITCH_ATTEMPTS} attempts`);
}

/**
 * Builds and stages the parent plus `entries`; returns the staged meta. Changes the parent
 * cannot take (a movie it does not know, stars off its scale: possible when a `replace` upload
 * switched the dataset after they were accepted) are skipped and counted.
 */
async function stageLiveVersion(
  datasets: DatasetStore,
  writer: DatasetWriter,
  request: LiveApplyRequest,
  parentMeta: DatasetMeta,
  entries: readonly LiveEntry[],
  started: number,
  now: () => number,
): Promise<DatasetMeta> {
  const parent = parentMeta.version;
  const [base, movies, users] = [await datasets.loadRatings(parent), await datasets.loadMovies(parent), await datasets.loadUsers(parent)];
  const known = new Set<number>();
  if (parentMeta.hasMovieInfo) for (const m of movies) known.add(m.id);
  else for (let i = 0; i < base.length; i++) known.add(base.movies[i]);

  let total = 0;
  for (const e of entries) total += e.changes.length;
  const changes: RatingTable = allocateRatingTable(total);
  for (const e of entries) {
    for (const c of e.changes) {
      if (!known.has(c.movieId) || (c.rating !== null && !isOnScale(c.rating, parentMeta.ratingScale))) continue;
      const n = changes.length++;
      changes.users[n] = e.userId;
      changes.movies[n] = c.movieId;
      changes.ratings[n] = c.rating ?? Number.NaN;
      changes.timestamps[n] = c.timestamp;
    }
  }
  const applied = applyRatingChanges(base, changes);
  // assembleDataset with no delta: the counts of the new table and the parent's catalogue.
  const data = assembleDataset({}, { ratings: applied.table, movies, users, hasMovieInfo: parentMeta.hasMovieInfo, hasUserInfo: parentMeta.hasUserInfo });
  const createdAt = now();
  await writer.begin(request.version, { owner: request.owner, chunkBound: Math.ceil(data.ratings.length / writer.chunkSize), startedAt: createdAt });
  const chunks = await writer.writeRatings(request.version, data.ratings);
  await writer.writeMovies(request.version, data.movies);
  await writer.writeUsers(request.version, data.users);
  const upTo = entries[entries.length - 1].id;
  const meta: DatasetMeta = {
    ...parentMeta,
    version: request.version,
    parent,
    createdAt,
    counts: data.counts,
    chunks,
    chunkSize: writer.chunkSize,
    // Never equal to an upload's hash: an upload of the same files after this is not "unchanged".
    contentHash: `live:${upTo}`,
    report: {
      mode: 'append',
      unchanged: false,
      datasetVersion: request.version,
      parentVersion: parent,
      files: [],
      read: { ratings: changes.length, movies: 0, users: 0 },
      skipped: [],
      skippedTotal: total - changes.length,
      duplicates: { count: applied.superseded, examples: [] },
      overwritten: applied.overwritten,
      durationMs: now() - started,
    },
    live: { upTo, applied: (parentMeta.live ?? LIVE_START).applied + total },
  };
  await writer.writeMeta(meta);
  return meta;
}
