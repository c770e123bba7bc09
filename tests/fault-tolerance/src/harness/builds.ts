/**
 * Waiting for model builds to settle, and the model versions a deployment lists. One rebuild
 * makes several set versions (one per kind it publishes) and one kind version per kind it
 * builds, so a test that wants "the model of this data" waits for every build job to end
 * rather than for the first set that names the data.
 */
import type { Cluster, Redis } from 'ioredis';
import { createQueue, QueueName } from '@movielens/jobs';
import { kindOfId, ModelStore, type KeySchema } from '@movielens/store';
import type { ManagedProcess } from './processes';
import { waitFor } from './system';

/** What a rebuild job returns: the jobs library's `rebuildResultSchema` (read it with `rebuildResultOf`). */
export type { RebuildJobResult } from '@movielens/jobs';

/** BullMQ states in which a job is still to run or running (BullMQ's names for getJobCounts). */
const PENDING_STATES = ['active', 'wait', 'delayed', 'waiting-children', 'prioritized', 'paused'] as const;

/**
 * Resolves once no rebuild, kind or row job waits, runs, is delayed or waits for its children,
 * seen twice in a row `everyMs` apart (a job ending hands over to its parent atomically, so one
 * look would do; two make the helper independent of that).
 */
export async function waitForBuildsIdle(connection: Redis | Cluster, keyPrefix: string, timeoutMs = 120_000, everyMs = 200): Promise<void> {
  const queues = [QueueName.rebuild, QueueName.rebuildShard].map((name) => createQueue(name, { connection, keyPrefix }));
  try {
    let idleLooks = 0;
    await waitFor(
      'every rebuild, kind and row job to end',
      async () => {
        const counts = await Promise.all(queues.map((q) => q.getJobCounts(...PENDING_STATES)));
        const pending = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
        idleLooks = pending === 0 ? idleLooks + 1 : 0;
        return idleLooks >= 2 ? true : undefined;
      },
      timeoutMs,
      everyMs,
    );
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

/**
 * Every listed model version, sorted: the set versions (`m<ms>-<hex>`) and the kind versions
 * (`<kind>-<ms>-<hex>`) of every kind named by a listed set or by a key under the prefix.
 */
export async function listedVersions(redis: Redis | Cluster, keys: KeySchema, versionsWithKeys: readonly string[] = []): Promise<string[]> {
  const models = new ModelStore(redis, keys);
  const sets = (await models.listVersions()).map((v) => v.id);
  const metas = await Promise.all(sets.map((v) => models.meta(v)));
  const kinds = new Set([...metas.flatMap((m) => Object.keys(m?.kinds ?? {})), ...versionsWithKeys.map(kindOfId).filter((k): k is string => k !== null)]);
  const kindVersions = await Promise.all([...kinds].map((kind) => redis.zrange(keys.modelKindVersions(kind), 0, -1)));
  return [...sets, ...kindVersions.flat()].sort();
}

/** The fields of a worker's JSON log line (pino) that the tests read. */
export interface LogRecord {
  msg?: string;
  /** Epoch ms. */
  time?: number;
  /** The kind version a build line is about. */
  version?: string;
}

/** A JSON log line parsed, or null for any other line. */
export function logRecord(line: string): LogRecord | null {
  try {
    const record = JSON.parse(line) as unknown;
    return typeof record === 'object' && record !== null ? (record as LogRecord) : null;
  } catch {
    return null;
  }
}

/** True when `p` logged `msg` about kind version `version`. */
export function loggedAbout(p: ManagedProcess, msg: string, version: string): boolean {
  return p.lines.some((l) => {
    const r = logRecord(l);
    return r?.msg === msg && r.version === version;
  });
}

/**
 * The first of `processes` to begin training `kind` at or after `since` (epoch ms; its
 * `kind <name> training` line, logged before the work a crash or shutdown interrupts), with
 * the kind version it began.
 */
export function kindTrainingStarted(processes: readonly ManagedProcess[], kind: string, since: number, timeoutMs = 60_000): Promise<{ process: ManagedProcess; version: string }> {
  const isStart = (line: string) => {
    const r = logRecord(line);
    return r?.msg === `kind ${kind} training` && (r.time ?? 0) >= since;
  };
  return Promise.race(
    processes.map(async (p) => {
      const record = logRecord(await p.waitForLine(isStart, timeoutMs))!;
      return { process: p, version: record.version! };
    }),
  );
}
