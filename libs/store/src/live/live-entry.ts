/**
 * The shapes of live ratings as stored: a change (set or delete of one rating), a log entry
 * (one accepted request), a user's overlay, and where a dataset version stands in the log.
 */
import { z } from 'zod';

/** One change of a user's rating of a movie. */
export interface LiveChange {
  movieId: number;
  /** Stars on the dataset's scale; null deletes the rating. */
  rating: number | null;
  /** Unix time of the rating, s; undefined = when it was accepted (the log entry's time). */
  timestamp?: number;
}

/** One accepted request as the log holds it. */
export interface LiveEntry {
  /** Stream entry id (`<ms>-<seq>`): the order of acceptance. */
  id: string;
  userId: number;
  /** Its changes, each with its timestamp resolved (unix s). */
  changes: Required<LiveChange>[];
}

/** A user's latest live change of one movie, as serving overlays it. */
export interface OverlayChange {
  /** Stars, or null when the rating was deleted. */
  rating: number | null;
  /** Unix time, s. */
  timestamp: number;
  /** Log entry that made the change. */
  entry: string;
}

/**
 * Where a dataset version stands in the live log (`DatasetMeta.live`): every entry up to and
 * including `upTo` is in it, and `applied` changes were accepted up to there. A version without
 * the field is at {@link LIVE_START}.
 */
export interface LiveMark {
  /** Last log entry applied; `0-0` before any. */
  upTo: string;
  /** Changes (sets and deletes) accepted up to `upTo`: pending = accepted ever - applied. */
  applied: number;
}

/** The mark of a version no live rating was applied to. */
export const LIVE_START: LiveMark = { upTo: '0-0', applied: 0 };

/** `ops` of a log entry: `[movieId, stars or null, unix s or -1 (= the entry's time)]`. */
export const liveOpsSchema = z.array(z.tuple([z.number().int().positive(), z.number().nullable(), z.number().int().min(-1)])).min(1);

/** Orders two stream entry ids (`<ms>-<seq>`): negative when `a` is older. */
export function compareEntryIds(a: string, b: string): number {
  const [am, as] = splitId(a);
  const [bm, bs] = splitId(b);
  return am !== bm ? am - bm : as - bs;
}

/** Milliseconds since the epoch at which entry `id` was accepted. */
export function entryTimeMs(id: string): number {
  return splitId(id)[0];
}

function splitId(id: string): [number, number] {
  const dash = id.indexOf('-');
  return dash < 0 ? [Number(id), 0] : [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}
