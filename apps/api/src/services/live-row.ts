import type { UserRow } from '@movielens/compute';
import { LIVE_START, type LiveMark, type LiveRatings, type OverlayChange } from '@movielens/store';
import type { ModelSnapshot } from './model-snapshot';
import type { DatasetReader } from './ports';

/** A user's row as served: a `UserRow` whose columns are typed arrays. */
export interface LiveUserRow extends UserRow {
  userId: number;
  movieIds: Int32Array;
  ratings: Float32Array;
}

/**
 * A user's rows as served with live ratings: the served set's dataset ratings overlaid with the
 * user's live changes that dataset version does not hold yet (those after its `live.upTo`).
 * So a rating posted now changes that user's answers now, and once a rebuild serves a dataset
 * version holding it, the overlay no longer repeats it.
 */
export class LiveRows {
  constructor(
    private readonly live: Pick<LiveRatings, 'overlay'>,
    private readonly datasets: Pick<DatasetReader, 'meta'>,
  ) {}

  /** Where the served set's dataset version stands in the live log; read once per snapshot. */
  servedMark(snap: ModelSnapshot): Promise<LiveMark> {
    return snap.memo('live-mark', async () => (await this.datasets.meta(snap.meta.datasetVersion))?.live ?? LIVE_START);
  }

  /** User `userId`'s live changes not in the served dataset version, by movie id (one HGETALL). */
  async overlay(snap: ModelSnapshot, userId: number): Promise<Map<number, OverlayChange>> {
    return this.live.overlay(userId, (await this.servedMark(snap)).upTo);
  }

  /**
   * The user's row: stored ratings (the served dataset's) with the live changes applied, a
   * re-rating replacing the stored stars, a delete removing the movie, a new movie appended.
   * `changed` when any live change applies. Null when the user has no rating either way.
   */
  async row(snap: ModelSnapshot, userId: number): Promise<LiveUserRow | null> {
    const [stored, overlay] = await Promise.all([snap.userRatings(userId), this.overlay(snap, userId)]);
    return overlaid(userId, stored, overlay);
  }

  /**
   * The user's row when live changes apply to it, else null, without reading the stored row
   * first (a reader that needs it only then, like MF predictions, skips the per-version index).
   */
  async changedRow(snap: ModelSnapshot, userId: number): Promise<ChangedRow | null> {
    const overlay = await this.overlay(snap, userId);
    if (overlay.size === 0) return null;
    const row = overlaid(userId, await snap.userRatings(userId), overlay);
    return row === null || !row.changed ? null : { ...row, changed: true };
  }
}

/** Rows only for users with live changes: see {@link LiveRows.changedRow}. */
export type ChangedRow = LiveUserRow & { changed: true };

/** `stored` with `overlay` applied (see {@link LiveRows.row}); pure. */
export function overlaid(userId: number, stored: { movieIds: Int32Array; ratings: Float32Array } | null, overlay: ReadonlyMap<number, OverlayChange>): LiveUserRow | null {
  if (overlay.size === 0) return stored === null ? null : { userId, movieIds: stored.movieIds, ratings: stored.ratings, changed: false };
  const movieIds: number[] = [];
  const ratings: number[] = [];
  const n = stored?.movieIds.length ?? 0;
  for (let i = 0; i < n; i++) {
    const movieId = stored!.movieIds[i];
    const change = overlay.get(movieId);
    if (change === undefined) {
      movieIds.push(movieId);
      ratings.push(stored!.ratings[i]);
    } else if (change.rating !== null) {
      movieIds.push(movieId);
      ratings.push(change.rating);
    }
  }
  const had = new Set(stored?.movieIds ?? []);
  for (const [movieId, change] of overlay) {
    if (!had.has(movieId) && change.rating !== null) {
      movieIds.push(movieId);
      ratings.push(change.rating);
    }
  }
  if (movieIds.length === 0) return null;
  return { userId, movieIds: Int32Array.from(movieIds), ratings: Float32Array.from(ratings), changed: true };
}
