/**
 * When pending live ratings become a dataset version (and so a rebuild): once `count` changes
 * are pending, or the oldest pending one is `ageMs` old, an `apply-live` job is asked for (one
 * at a time); its version then asks for a debounced rebuild, as an upload does. The policy also
 * trims the live log of what every version still needed already holds.
 */
import type { Queue } from 'bullmq';
import type { Logger } from '@movielens/config';
import { requestLiveApply } from '@movielens/jobs';
import { compareEntryIds, DatasetStore, entryTimeMs, LIVE_START, LiveRatings, ModelStore, type KeySchema, type LiveMark, type RedisClient } from '@movielens/store';

/** Options of {@link LivePolicy}. */
export interface LivePolicyOptions {
  redis: RedisClient;
  keys: KeySchema;
  /** The ingest queue (where `apply-live` jobs go). */
  queue: Queue;
  /** Pending changes (ratings and deletes) that queue an apply. Default 1000. */
  count?: number;
  /** Age of the oldest pending change that queues an apply, ms. Default 300,000 (5 min). */
  ageMs?: number;
  /** Interval of the check, ms. Default 1000. */
  pollMs?: number;
  /** Clock, ms since the epoch; default Date.now. */
  now?: () => number;
  logger?: Logger;
}

/** What one check found and did. */
export interface LiveCheck {
  /** Changes accepted and not in the current dataset version. */
  pending: number;
  /** Why an apply was asked for; null when none was. */
  trigger: 'count' | 'age' | null;
  /** Log entries trimmed. */
  trimmed: number;
}

/** The live-ratings threshold check, run by every ingest worker (the job deduplication makes one apply of many asks). */
export class LivePolicy {
  private readonly datasets: DatasetStore;
  private readonly models: ModelStore;
  private readonly live: LiveRatings;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private trimmedTo = LIVE_START.upTo;

  constructor(private readonly options: LivePolicyOptions) {
    this.datasets = new DatasetStore(options.redis, options.keys);
    this.models = new ModelStore(options.redis, options.keys);
    this.live = new LiveRatings(options.redis, options.keys);
  }

  /** Checks once: asks for an apply when a threshold is crossed, and trims the log. */
  async check(): Promise<LiveCheck> {
    const current = await this.datasets.currentVersion();
    const mark = current === null ? null : await this.markOf(current);
    if (mark === null) return { pending: 0, trigger: null, trimmed: 0 };
    const pending = (await this.live.accepted()) - mark.applied;
    let trigger: LiveCheck['trigger'] = null;
    if (pending > 0 && pending >= (this.options.count ?? 1000)) trigger = 'count';
    else if (pending > 0) {
      const oldest = await this.live.oldestAfter(mark.upTo);
      const now = (this.options.now ?? Date.now)();
      if (oldest !== null && now - entryTimeMs(oldest) >= (this.options.ageMs ?? 300_000)) trigger = 'age';
    }
    if (trigger !== null) await requestLiveApply(this.options.queue, { trigger, pending });
    return { pending, trigger, trimmed: await this.trim(mark) };
  }

  /** Runs {@link check} every `pollMs` (a check never overlaps the previous one). */
  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      if (this.running !== null) return;
      this.running = this.check()
        .catch((err: unknown) => this.options.logger?.warn({ err }, 'live ratings check failed'))
        .finally(() => (this.running = null));
    }, this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  /** Stops the checks and waits for one in flight. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * Trims the log up to the older of the current dataset's mark and the served set's dataset's
   * mark: serving overlays changes after the served mark, applies read after the current one.
   */
  private async trim(current: LiveMark): Promise<number> {
    const served = await this.models.currentVersion();
    const meta = served === null ? null : await this.models.meta(served);
    const servedMark = meta === null ? null : await this.markOf(meta.datasetVersion);
    if (servedMark === null) return 0;
    const upTo = compareEntryIds(current.upTo, servedMark.upTo) <= 0 ? current.upTo : servedMark.upTo;
    if (compareEntryIds(upTo, this.trimmedTo) <= 0) return 0;
    const dropped = await this.live.trim(upTo);
    this.trimmedTo = upTo;
    return dropped;
  }

  private async markOf(datasetVersion: string): Promise<LiveMark | null> {
    const meta = await this.datasets.meta(datasetVersion);
    return meta === null ? null : (meta.live ?? LIVE_START);
  }
}
