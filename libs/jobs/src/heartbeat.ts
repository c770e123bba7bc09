import { closeSync, openSync, utimesSync } from 'node:fs';

/** The readiness a heartbeat reports: ioredis' `status` is `ready` while connected. */
export interface HeartbeatTarget {
  status: string;
}

/** Options of {@link startHeartbeat}. */
export interface HeartbeatOptions {
  /** File touched while healthy (container health checks read its age). */
  file: string;
  /** Connections that must all be ready. */
  connections: HeartbeatTarget[];
  /** Touch interval in ms. Default 5000. */
  intervalMs?: number;
}

/**
 * Touches `file` every interval while every Redis connection is ready, so a container
 * health check (`tools/healthcheck.mjs heartbeat`) can tell a live worker from a stuck or
 * disconnected one without a port of its own. Returns a function that stops it.
 */
export function startHeartbeat({ file, connections, intervalMs = 5000 }: HeartbeatOptions): () => void {
  const beat = () => {
    if (!connections.every((c) => c.status === 'ready')) return;
    try {
      const now = new Date();
      closeSync(openSync(file, 'a'));
      utimesSync(file, now, now);
    } catch {
      // A health file we cannot write makes the check fail, which is the right signal.
    }
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
