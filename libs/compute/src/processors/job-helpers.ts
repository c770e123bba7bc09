import type { Job } from 'bullmq';

/** Options of a child job (a kind job of a rebuild, a row job of a kind): retried, then it fails its parent. */
export function childOptions(parent: Job) {
  return {
    parent: { id: parent.id!, queue: parent.queueQualifiedName },
    attempts: 3,
    // Retries after 2 s and 4 s: a child outlasts a Redis Cluster failover (a master's replica is
    // promoted after cluster-node-timeout) instead of spending its attempts inside it, which
    // failed the whole kind (tests/fault-tolerance/src/redis-failover.spec.ts).
    backoff: { type: 'exponential', delay: 2000 },
    failParentOnFailure: true,
    removeOnComplete: true,
    removeOnFail: { count: 100 },
  };
}

/** True when two parameter sets are the same build. */
export function sameParams(a: Readonly<Record<string, number | boolean>>, b: Readonly<Record<string, number | boolean>>): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every((n) => a[n] === b[n]);
}

/** A zod error as `path: message; ...`. */
export function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
}
