/**
 * A real three-master Redis Cluster made of local redis-server processes (no replicas),
 * created with `redis-cli --cluster create`, for the tests that prove every multi-key
 * operation stays inside one hash slot.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRedisServer } from '@movielens/test-support';
import { waitFor } from './system';

const run = promisify(execFile);

/** A running cluster. */
export interface TestCluster {
  /** Comma-separated node URLs (REDIS_URL with REDIS_CLUSTER=true). */
  url: string;
  ports: number[];
  /** Stops every node and deletes their folders. */
  stop(): Promise<void>;
}

/** Starts `masters` cluster-enabled nodes, joins them into one cluster and waits for `cluster_state:ok`. */
export async function startRedisCluster(masters = 3): Promise<TestCluster> {
  const dirs = Array.from({ length: masters }, () => mkdtempSync(join(tmpdir(), 'ft-cluster-')));
  const nodes = await Promise.all(
    dirs.map((dir) => startRedisServer({ dir, args: ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-node-timeout', '5000'] })),
  );
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    for (const n of nodes) {
      await waitFor(`cluster_state:ok on ${n.port}`, async () => {
        const { stdout } = await run('redis-cli', ['-p', String(n.port), 'cluster', 'info']);
        return stdout.includes('cluster_state:ok') ? true : undefined;
      }, 30_000, 200);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: nodes.map((n) => n.url).join(','), ports: nodes.map((n) => n.port), stop };
}
