/**
 * Progress bars on stderr (cli-progress), so stdout stays clean for results; nothing at all
 * in `--json` mode or when stderr is not a terminal.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { QueueEvents } from 'bullmq';
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

/** Job progress as reported by the job (`{ phase?, done, total }`), or null for other shapes. */
function asProgress(data: unknown): { phase?: string; done: number; total: number } | null {
  if (typeof data !== 'object' || data === null) return null;
  const { done, total, phase } = data as Record<string, unknown>;
  if (typeof done !== 'number' || typeof total !== 'number') return null;
  return { done, total, phase: typeof phase === 'string' ? phase : undefined };
}

/**
 * Shows the progress events of job `jobId` (from any worker, local or remote) on `progress`;
 * returns a function that stops following.
 */
export function followJobProgress(events: QueueEvents, jobId: string, progress: Progress): () => void {
  const listener = ({ jobId: id, data }: { jobId: string; data: unknown }) => {
    const p = id === jobId ? asProgress(data) : null;
    if (p) progress.update(p.done, p.total, p.phase ?? '');
  };
  events.on('progress', listener);
  return () => events.off('progress', listener);
}
