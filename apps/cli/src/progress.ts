/**
 * Progress bars on stderr (cli-progress), so stdout stays clean for results; nothing at all
 * in `--json` mode or when stderr is not a terminal.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { QueueEvents } from 'bullmq';
import { ingestProgressSchema, type IngestProgress } from '@movielens/jobs';
import type { CommandContext } from './command';

/** A bar that can be updated and stopped; a no-op in JSON mode. */
export interface Progress {
  /** Sets the bar to `done` of `total` (bytes or items), with an optional phase label. */
  update(done: number, total: number, label?: string): void;
  stop(): void;
}

/** Creates a progress bar titled `title` on stderr. */
export function createProgress(ctx: CommandContext, title: string): Progress {
  if (ctx.json || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({ format: `${title} [{bar}] {percentage}% {label}`, stream: process.stderr, hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  let started = false;
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(Math.max(total, 1), 0, { label });
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** An ingest job's progress as it reported it (`{ phase, done, total }`), validated; null for other shapes (BullMQ's initial 0, another job's). */
function asProgress(data: unknown): IngestProgress | null {
  return ingestProgressSchema.safeParse(data).data ?? null;
}

/**
 * Shows the progress events of job `jobId` (from any worker, local or remote) on `progress`;
 * returns a function that stops following.
 */
export function followJobProgress(events: QueueEvents, jobId: string, progress: Progress): () => void {
  const listener = ({ jobId: id, data }: { jobId: string; data: unknown }) => {
    const p = id === jobId ? asProgress(data) : null;
    if (p) progress.update(p.done, p.total, p.phase);
  };
  events.on('progress', listener);
  return () => events.off('progress', listener);
}
