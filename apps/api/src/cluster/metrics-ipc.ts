/**
 * `/metrics` across node:cluster workers. A scrape lands on one worker, but each worker
 * only knows its own requests, so the worker asks the primary over the IPC channel; the
 * primary collects every worker's registry with prom-client's AggregatorRegistry (which
 * has its own request/response messages) and sends the aggregated text back.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';

const REQUEST = 'movielens:metrics-request';
const RESPONSE = 'movielens:metrics-response';

/** Longest wait for the primary's answer, ms (prom-client itself gives workers 5 s). */
const TIMEOUT_MS = 6000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}

interface MetricsResponse {
  type: typeof RESPONSE;
  id: number;
  text?: string;
  error?: string;
}

function isResponse(message: unknown): message is MetricsResponse {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === RESPONSE;
}

let nextId = 0;

/** Worker side: the aggregated metrics text of every worker, from the primary. Rejects after 6 s. */
export function requestClusterMetrics(): Promise<string> {
  const send = process.send?.bind(process);
  if (send === undefined) return Promise.reject(new Error('not a cluster worker: no IPC channel to the primary'));
  const id = nextId++;
  return new Promise<string>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!isResponse(message) || message.id !== id) return;
      finish();
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(`cluster metrics: ${message.error ?? 'no answer'}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`cluster metrics: the primary did not answer within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    const finish = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    send({ type: REQUEST, id } satisfies MetricsRequest);
  });
}

/** Primary side: answers workers' metrics requests with the aggregate of all workers. Call once in the primary. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: unknown) => {
    const m = message as Partial<MetricsRequest> | null;
    if (m === null || typeof m !== 'object' || m.type !== REQUEST || typeof m.id !== 'number') return;
    const id = m.id;
    aggregator.clusterMetrics().then(
      (text) => worker.isConnected() && worker.send({ type: RESPONSE, id, text } satisfies MetricsResponse),
      (err: unknown) => worker.isConnected() && worker.send({ type: RESPONSE, id, error: err instanceof Error ? err.message : String(err) } satisfies MetricsResponse),
    );
  });
}
