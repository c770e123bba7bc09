/**
 * A real Redis Cluster made of local redis-server processes, created with
 * `redis-cli --cluster create`: three masters by default, optionally with replicas, for the
 * tests that prove every multi-key operation stays inside one hash slot, and the failover
 * tests that kill a master and see its replica promoted.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRedisServer } from '@movielens/test-support';
import { waitFor } from './system';

const run = promisify(execFile);

/** Options of {@link startRedisCluster}. */
export interface ClusterOptions {
  /** Replicas per master. Default 0. */
  replicas?: number;
  /** `cluster-node-timeout`, ms: how long a master may be unreachable before its replica is promoted. Default 5000. */
  nodeTimeoutMs?: number;
}

/** One node of a running cluster. */
export interface ClusterNode {
  port: number;
  /** True until {@link TestCluster.kill} killed it. */
  running: boolean;
}

/** A running cluster. */
export interface TestCluster {
  /** Comma-separated node URLs (REDIS_URL with REDIS_CLUSTER=true). */
  url: string;
  ports: number[];
  nodes: ClusterNode[];
  /** Ports of the nodes that are masters now, as a live node sees it. */
  masters(): Promise<number[]>;
  /** SIGKILL of one node (no shutdown, no last write to disk). */
  kill(port: number): Promise<void>;
  /** Starts a killed node again on its port and folder; it rejoins the cluster (as a replica when it was failed over). */
  restart(port: number): Promise<void>;
  /** Resolves once every running node reports `cluster_state:ok`. */
  healthy(timeoutMs?: number): Promise<void>;
  /** Stops every node and deletes their folders. */
  stop(): Promise<void>;
}

/** `redis-cli -p <port> <args>` output. */
async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-p', String(port), ...args], { timeout: 10_000 })).stdout;
}

/** Starts `masters` masters (and their replicas), joins them into one cluster and waits for `cluster_state:ok`. */
export async function startRedisCluster(masters = 3, options: ClusterOptions = {}): Promise<TestCluster> {
  const count = masters * (1 + (options.replicas ?? 0));
  const dirs = Array.from({ length: count }, () => mkdtempSync(join(tmpdir(), 'ft-cluster-')));
  const args = (dir: string) => ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 5000)];
  const servers = await Promise.all(dirs.map((dir) => startRedisServer({ dir, args: args(dir) })));
  const nodes: ClusterNode[] = servers.map((s) => ({ port: s.port, running: true }));
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  const healthy = async (timeoutMs = 30_000) => {
    for (const n of nodes.filter((node) => node.running)) {
      await waitFor(`cluster_state:ok on ${n.port}`, async () => ((await cli(n.port, 'cluster', 'info')).includes('cluster_state:ok') ? true : undefined), timeoutMs, 200);
      // A replica that has not synchronised yet refuses to fail over ("disconnected from master for
      // longer than allowed"): a failover test must start from replicas in sync.
      await waitFor(`the replication link of ${n.port}`, async () => {
        const info = await cli(n.port, 'info', 'replication');
        return info.includes('role:master') || info.includes('master_link_status:up') ? true : undefined;
      }, timeoutMs, 200);
    }
  };
  try {
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(options.replicas ?? 0), '--cluster-yes'], { timeout: 30_000 });
    await healthy();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: servers.map((s) => s.url).join(','),
    ports: servers.map((s) => s.port),
    nodes,
    async masters() {
      const live = nodes.find((n) => n.running)!;
      // `<id> <ip:port@bus> <flags> ...`: flags include `master`, and `fail` for a dead one.
      return (await cli(live.port, 'cluster', 'nodes'))
        .split('\n')
        .map((line) => line.split(' '))
        .filter((f) => f.length > 2 && f[2].split(',').includes('master') && !f[2].includes('fail'))
        .map((f) => Number(f[1].split('@')[0].split(':')[1]));
    },
    async kill(port) {
      const i = servers.findIndex((s) => s.port === port);
      const exited = new Promise((r) => servers[i].process.once('exit', r));
      servers[i].process.kill('SIGKILL');
      await exited;
      nodes[i].running = false;
    },
    async restart(port) {
      const i = servers.findIndex((s) => s.port === port);
      servers[i] = await startRedisServer({ dir: dirs[i], port, args: args(dirs[i]) });
      nodes[i].running = true;
    },
    healthy,
    stop,
  };
}
