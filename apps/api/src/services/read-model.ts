import type { Logger } from '@movielens/config';
import type { KeySchema, RedisClient } from '@movielens/store';
import { NotFoundError } from '@movielens/core';
import { HttpError, notReady, unavailable } from '../middleware/errors';
import { ModelSnapshot, type AnswerCacheLimits } from './model-snapshot';
import type { DatasetReader, ModelReader } from './ports';
import { ScorerCache } from './scorer-cache';

/** 503 NOT_READY: the served model's dataset version is no longer stored (deleted by hand, or pruned by an older ingest). */
function datasetGone(modelVer: string, datasetVer: string, cause: unknown): HttpError {
  return new HttpError(
    503,
    'NOT_READY',
    `Model ${modelVer} cannot be served: its dataset version ${datasetVer} is no longer stored. Activate another model (POST /api/v1/models/{version}/activate) or rebuild.`,
    { cause },
  );
}

/** Options of {@link ReadModel}. */
export interface ReadModelOptions {
  /** Fallback poll of the current model pointer, in ms, for missed pub/sub messages. Default 2000. */
  pollMs?: number;
  /** Serialized answers kept per model version, per cache (by resource, by URL). Default 20,000. */
  cacheEntries?: number;
  /**
   * Bytes of serialized answers kept per model version, both caches together (so per process:
   * the old version's caches go with it). Default 64 MiB. Bounds memory however large the
   * URLs or answers a client asks for.
   */
  cacheBytes?: number;
  /** Bytes of loaded kind scorers kept (`ScorerCache`). Default 256 MiB. */
  scorerBytes?: number;
}

/**
 * The API's in-process view of the served model. It knows the current model version
 * without asking Redis on every request: a subscriber on `keys.events()` hears `model <ver>`
 * switches at once, and a slow poll catches anything missed (e.g. while Redis was down).
 * When the version changes the old {@link ModelSnapshot}, with its caches, is dropped.
 */
export class ReadModel {
  private version: string | null = null;
  private snapshot: Promise<ModelSnapshot> | null = null;
  private snapshotVersion: string | null = null;
  /** The resolved snapshot of `snapshotVersion`, once loaded: the hot path reads it without awaiting. */
  private loaded: ModelSnapshot | null = null;
  private subscriber: RedisClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly pollMs: number;
  private readonly cache: AnswerCacheLimits;
  /** The served set's loaded kind scorers (filters, paging, explanations, visitors). */
  readonly scorers: ScorerCache;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    private readonly models: ModelReader,
    private readonly datasets: DatasetReader,
    private readonly logger: Logger,
    options: ReadModelOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 2000;
    this.cache = { entries: options.cacheEntries ?? 20_000, bytes: options.cacheBytes ?? 64 * 2 ** 20 };
    this.scorers = new ScorerCache(models, { maxBytes: options.scorerBytes });
  }

  /** Subscribes to model switches and starts the fallback poll. Idempotent. */
  start(): void {
    if (this.subscriber !== null) return;
    const sub = this.redis.duplicate();
    this.subscriber = sub;
    sub.on('error', () => undefined); // connection errors are handled by the main client's 503s
    sub.on('message', (_channel: string, message: string) => {
      const [kind, ver] = message.split(' ');
      if (kind === 'model' && ver) this.switchTo(ver);
    });
    // Subscribe once connected (the API's clients have no offline queue); ioredis re-subscribes after reconnects.
    sub.once('ready', () => {
      sub.subscribe(this.keys.events()).catch((err: unknown) => this.logger.warn({ err }, 'cannot subscribe to model events; polling only'));
    });
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.pollMs);
    this.timer.unref();
  }

  /** Stops the subscriber and the poll. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub !== null) await sub.quit().catch(() => sub.disconnect());
  }

  /** True when the main Redis connection is usable; checked before any work so outages answer 503 at once. */
  redisReady(): boolean {
    return this.redis.status === 'ready';
  }

  /** Re-reads the current model pointer from Redis; returns the version (null before the first model). */
  async refresh(): Promise<string | null> {
    const ver = await this.models.currentVersion();
    if (ver !== this.version) this.switchTo(ver);
    return ver;
  }

  /**
   * The snapshot of the served model. Throws 503 UNAVAILABLE when Redis is down and
   * 503 NOT_READY before the first model. Costs no Redis round trip once loaded.
   */
  async current(): Promise<ModelSnapshot> {
    if (!this.redisReady()) throw unavailable();
    if (this.version === null) await this.refresh();
    const ver = this.version;
    if (ver === null) throw notReady();
    if (this.snapshot === null || this.snapshotVersion !== ver) {
      this.snapshotVersion = ver;
      const loading = this.load(ver);
      this.snapshot = loading;
      loading.then(
        (snap) => {
          if (this.snapshot === loading) this.loaded = snap;
        },
        () => {
          if (this.snapshot === loading) {
            this.snapshot = null;
            this.snapshotVersion = null;
          }
        },
      );
    }
    return this.snapshot;
  }

  /**
   * The served snapshot when it is already loaded and Redis is usable, synchronously; null
   * otherwise (before the first load, right after a switch, or while Redis is down), in which
   * case the caller takes the async {@link current} path and its 503s.
   */
  loadedSnapshot(): ModelSnapshot | null {
    const snap = this.loaded;
    return snap !== null && snap.version === this.version && this.redisReady() ? snap : null;
  }

  /** Current version as last seen (no Redis access); null before the first model. */
  knownVersion(): string | null {
    return this.version;
  }

  private switchTo(ver: string | null): void {
    if (ver === this.version) return;
    this.logger.info({ from: this.version, to: ver }, 'serving model version');
    this.version = ver;
    this.snapshot = null;
    this.snapshotVersion = null;
    this.loaded = null;
  }

  private async load(ver: string): Promise<ModelSnapshot> {
    const meta = await this.models.meta(ver);
    if (meta === null) {
      // The version went away (pruned, or Redis restarted empty): re-read the pointer now.
      void this.refresh().catch(() => undefined);
      throw notReady();
    }
    const movies = await this.datasets.loadMovies(meta.datasetVersion).catch((err: unknown) => {
      // Not a 404 of whatever resource was asked for: the served model itself cannot answer.
      if (err instanceof NotFoundError) throw datasetGone(ver, meta.datasetVersion, err);
      throw err;
    });
    return new ModelSnapshot(meta, movies, this.models, this.datasets, this.cache);
  }
}
