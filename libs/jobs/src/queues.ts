/**
 * Queue names and the BullMQ key prefix. BullMQ's own keys are `<bullPrefix>:<queue>:...`;
 * the prefix is a Redis Cluster hash tag (`{...}`) so every BullMQ script, which touches
 * several keys of one queue, stays in one slot.
 */

/** Queue names, one per kind of work. */
export const QueueName = {
  /** Parse an upload into a new dataset version. Payload: IngestJobData. */
  ingest: 'ingest',
  /** Build a new model version from the current dataset. Payload: RebuildJobData. */
  rebuild: 'rebuild',
  /** One shard of a rebuild (similarity rows, user recommendations, ...), a child of a rebuild job. */
  rebuildShard: 'rebuild-shard',
} as const;

/** A queue name. */
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** The BullMQ prefix for a deployment whose key prefix is `keyPrefix` (default `{ml-bull}`). */
export function bullPrefix(keyPrefix = 'ml'): string {
  return `{${keyPrefix}-bull}`;
}
