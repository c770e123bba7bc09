import type { RequestHandler } from 'express';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiQueues } from '../deps';

/** Prometheus metrics of one app instance (own registry, so several apps in one test process never clash). */
export interface ApiMetrics {
  registry: Registry;
  /** Records latency by route pattern and status. Mount first. */
  middleware: RequestHandler;
}

/**
 * Builds the registry: process defaults, an HTTP latency histogram labelled by route
 * pattern (never the raw URL, which would explode cardinality) and status, and queue depth
 * gauges read from BullMQ when Prometheus scrapes.
 */
export function createMetrics(queues: ApiQueues): ApiMetrics {
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
  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route === undefined ? 'unmatched' : `${req.baseUrl}${String((req.route as { path: string }).path)}`;
      const key = `${req.method} ${route} ${res.statusCode}`;
      let child = children.get(key);
      if (child === undefined) {
        child = latency.labels(req.method, route, String(res.statusCode));
        children.set(key, child);
      }
      child.observe(Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
  return { registry, middleware };
}
