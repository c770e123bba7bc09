import type { RequestHandler } from 'express';
import { AggregatorRegistry, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { requestClusterMetrics } from '../cluster/metrics-ipc';
import type { ApiQueues } from '../deps';

/** Prometheus metrics of one app instance (own registry, so several apps in one test process never clash). */
export interface ApiMetrics {
  registry: Registry;
  /** Records latency by route pattern and status. Mount first. */
  middleware: RequestHandler;
  /** Records one request's latency directly (the hot path, which runs before Express). */
  observe(method: string, route: string, status: number, seconds: number): void;
  /** The exposition text `/metrics` serves: this process's registry, or every worker's aggregated in cluster mode. */
  render(): Promise<string>;
  /** Content type of {@link render}'s text. */
  contentType: string;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /**
   * This process is a node:cluster worker of `API_WORKERS > 1`: `/metrics` then asks the
   * primary, which collects every worker's registry (prom-client AggregatorRegistry: counters
   * and histograms summed, process gauges by their own aggregators). Default false.
   */
  clusterWorker?: boolean;
}

/**
 * Builds the registry: process defaults, an HTTP latency histogram labelled by route
 * pattern (never the raw URL, which would explode cardinality) and status, and queue depth
 * gauges read from BullMQ when Prometheus scrapes.
 */
export function createMetrics(queues: ApiQueues, { clusterWorker = false }: MetricsOptions = {}): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'queue_jobs',
    help: 'BullMQ jobs by queue and state, read on scrape',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    // Every worker reads the same queues: across a cluster the depth is one worker's reading, not the sum.
    aggregator: 'first',
    async collect() {
      this.reset();
      for (const queue of [queues.ingest, queues.rebuild, queues.rebuildShard]) {
        // Bounded: with Redis down a scrape still answers at once, just without queue depths.
        const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 500).unref());
        const counts = await Promise.race([queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'), timeout]).catch(() => null);
        if (counts === null) continue;
        for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
      }
    },
  });
  // One labelled child per (method, route, status), so the hot path skips prom-client's label hashing.
  const children = new Map<string, { observe(seconds: number): void }>();
  const observe = (method: string, route: string, status: number, seconds: number) => {
    const key = `${method} ${route} ${status}`;
    let child = children.get(key);
    if (child === undefined) {
      child = latency.labels(method, route, String(status));
      children.set(key, child);
    }
    child.observe(seconds);
  };
  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route === undefined ? 'unmatched' : `${req.baseUrl}${String((req.route as { path: string }).path)}`;
      observe(req.method, route, res.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
  if (clusterWorker) {
    // The worker side of prom-client's aggregation: answer the primary's requests with this registry.
    AggregatorRegistry.setRegistries([registry]);
    new AggregatorRegistry();
  }
  return {
    registry,
    middleware,
    observe,
    render: clusterWorker ? requestClusterMetrics : () => registry.metrics(),
    contentType: registry.contentType,
  };
}
