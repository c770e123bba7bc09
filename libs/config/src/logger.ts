import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs (pino) on stdout. Every process names itself (`process` field) so
 * interleaved logs of a local cluster stay readable; callers add `jobId`, `datasetVersion`
 * or `modelVersion` with `logger.child({...})`.
 * @param name - the process or component, e.g. `api`, `ingest-worker`
 * @param level - pino level; default `info`
 */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, base: { process: name, pid: process.pid } });
}

export type { Logger };
