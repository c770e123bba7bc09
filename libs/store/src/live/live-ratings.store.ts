import { createHash } from 'node:crypto';
import type { RedisClient } from '../connection';
import type { KeySchema } from '../keys';
import { CorruptRecordError, decodeJson, decodeStored } from '../stored-json';
import { compareEntryIds, liveOpsSchema, type LiveChange, type LiveEntry, type OverlayChange } from './live-entry';
import { APPEND_SCRIPT, appendReplySchema, runScript, TRIM_USER_SCRIPT } from './live-scripts';

/** Options of {@link LiveRatings}. */
export interface LiveRatingsOptions {
  /** How long an Idempotency-Key is remembered, ms (a retry after that is a new request). Default 24 h. */
  idempotencyTtlMs?: number;
}

/** What {@link LiveRatings.append} did. */
export interface AppendOutcome {
  /** `new`: written now; `replay`: the same key and body were accepted before; `conflict`: the key was used with another body (nothing written). */
  status: 'new' | 'replay' | 'conflict';
  /** The log entry of the request (for `conflict`: of the earlier request). */
  entry: string;
}

/** Log entries read at once by {@link LiveRatings.trim}. */
const TRIM_BATCH = 1000;

/**
 * The live ratings log (a Redis stream in the `{live}` slot) and each user's overlay of
 * changes. A request is written by one script together with its idempotency record, so it is
 * in the log exactly once however often it is retried. Dataset versions record how far into
 * the log they are (`DatasetMeta.live`); serving overlays a user's changes newer than that.
 * Durability across a Redis restart is the server's: AOF with `appendfsync always` loses no
 * acknowledged change, `everysec` (the compose file's) up to about one second of them on a crash.
 */
export class LiveRatings {
  private readonly ttlMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    options: LiveRatingsOptions = {},
  ) {
    this.ttlMs = options.idempotencyTtlMs ?? 24 * 3600_000;
  }

  /**
   * Appends one request's changes of user `userId` (validated by the caller) to the log and
   * the user's overlay, atomically. With `idempotencyKey`, a retry with the same body returns
   * the first entry (`replay`) and one with another body `conflict`, writing nothing.
   */
  async append(userId: number, changes: readonly LiveChange[], idempotencyKey?: string): Promise<AppendOutcome> {
    const ops = changes.map((c) => [c.movieId, c.rating, c.timestamp ?? -1]);
    const opsJson = JSON.stringify(ops);
    const keyDigest = idempotencyKey === undefined ? '' : sha256(`${userId}\0${idempotencyKey}`);
    const bodyHash = idempotencyKey === undefined ? '' : sha256(`${userId}\0${opsJson}`);
    const args: (string | number)[] = [bodyHash, this.ttlMs, userId, opsJson, changes.length];
    for (const c of changes) args.push(c.movieId, c.rating === null ? 'd' : c.rating, c.timestamp ?? -1);
    const keys = [this.keys.liveIdempotency(keyDigest || 'none'), this.keys.liveLog(), this.keys.liveStats(), this.keys.liveUser(userId)];
    const [status, entry] = decodeStored(appendReplySchema, await runScript(this.redis, APPEND_SCRIPT, keys, args), 'live append reply', keys[0]);
    if (status === 'corrupt') throw new CorruptRecordError(`live idempotency record (${keys[0]}): not "<body hash>|<entry id>"`, { key: keys[0] });
    return { status, entry };
  }

  /**
   * User `userId`'s live changes made after log entry `after` (the served dataset version's
   * `live.upTo`), by movie id: what serving lays over the user's stored ratings. One HGETALL.
   */
  async overlay(userId: number, after: string): Promise<Map<number, OverlayChange>> {
    const fields = await this.redis.hgetall(this.keys.liveUser(userId));
    const out = new Map<number, OverlayChange>();
    for (const [movie, value] of Object.entries(fields)) {
      const [entry, stars, ts] = value.split('|');
      if (ts === undefined) throw new CorruptRecordError(`live overlay of user ${userId}, movie ${movie}: ${JSON.stringify(value)}`);
      if (compareEntryIds(entry, after) <= 0) continue;
      out.set(Number(movie), { rating: stars === 'd' ? null : Number(stars), timestamp: Number(ts), entry });
    }
    return out;
  }

  /** Up to `count` log entries after entry `after`, oldest first, with timestamps resolved. */
  async read(after: string, count: number): Promise<LiveEntry[]> {
    const raw = await this.redis.xrange(this.keys.liveLog(), `(${after}`, '+', 'COUNT', count);
    return raw.map(([id, fields]) => decodeEntry(id, fields));
  }

  /** Changes (sets and deletes) accepted ever; 0 before the first. */
  async accepted(): Promise<number> {
    return Number((await this.redis.hget(this.keys.liveStats(), 'ops')) ?? 0);
  }

  /** Id of the oldest log entry after `after`, or null when none is. */
  async oldestAfter(after: string): Promise<string | null> {
    const raw = await this.redis.xrange(this.keys.liveLog(), `(${after}`, '+', 'COUNT', 1);
    return raw.length === 0 ? null : raw[0][0];
  }

  /**
   * Forgets what every dataset version still needed has applied: deletes overlay fields made
   * by entries up to `upTo` (inclusive) and those log entries. Idempotent; returns the entries
   * dropped. `upTo` must be at most the mark of the current dataset version and of every one
   * served, else a change would vanish from serving before its version is served.
   */
  async trim(upTo: string): Promise<number> {
    const [ms, seq] = upTo.split('-');
    for (let from = '-'; ; ) {
      const batch = await this.redis.xrange(this.keys.liveLog(), from, upTo, 'COUNT', TRIM_BATCH);
      const users = new Set(batch.map(([id, fields]) => decodeEntry(id, fields).userId));
      for (const user of users) await runScript(this.redis, TRIM_USER_SCRIPT, [this.keys.liveUser(user)], [ms, seq ?? 0]);
      if (batch.length < TRIM_BATCH) break;
      from = `(${batch[batch.length - 1][0]}`;
    }
    // MINID keeps entries >= the id: drop up to `upTo` itself by trimming to its successor.
    return Number(await this.redis.xtrim(this.keys.liveLog(), 'MINID', `${ms}-${Number(seq ?? 0) + 1}`));
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A log entry from its stream fields (`u`, `ops`), validated. @throws CorruptRecordError */
function decodeEntry(id: string, fields: string[]): LiveEntry {
  const get = (name: string) => {
    const i = fields.indexOf(name);
    return i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
  };
  const user = Number(get('u'));
  const opsJson = get('ops');
  if (!Number.isInteger(user) || user <= 0 || opsJson === undefined) throw new CorruptRecordError(`live log entry ${id}: fields ${JSON.stringify(fields).slice(0, 200)}`);
  const sec = Math.floor(Number(id.split('-')[0]) / 1000);
  const ops = decodeJson(liveOpsSchema, opsJson, `live log entry ${id}`);
  return { id, userId: user, changes: ops.map(([movieId, rating, ts]) => ({ movieId, rating, timestamp: ts === -1 ? sec : ts })) };
}
