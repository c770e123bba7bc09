import type { Logger } from '@movielens/config';
import { compareEntryIds, type KeySchema, type RedisClient } from '@movielens/store';

/**
 * Which users' live ratings changed, as this API process knows it, so cached answers of that
 * user (and no one else's) stop being served. A user's epoch is the newest live entry seen for
 * them: set at once by this process's own `POST /users/:id/ratings`, and by the `live <user>
 * <entry>` events other processes publish. Answers of a user are cached under a resource key
 * that ends with the epoch, so a change makes a new key (and a new ETag). A process that
 * starts later has empty caches and reads the overlay from Redis, so it needs no history; an
 * event missed while the subscriber was disconnected is covered by bumping the generation on
 * every reconnect, which retires every user's cached answers at once.
 */
export class LiveEpochs {
  private readonly latest = new Map<number, string>();
  private generation = 0;
  private subscriber: RedisClient | null = null;

  /**
   * @param maxUsers - users remembered at most (about 100 bytes each); one more clears them all
   *   and starts a new generation, which retires every cached user answer (forgetting a user
   *   without that would serve their answers from before their change). Default 1,000,000.
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    private readonly logger: Logger,
    private readonly maxUsers = 1_000_000,
  ) {}

  /** Subscribes to the events channel. Idempotent. */
  start(): void {
    if (this.subscriber !== null) return;
    const sub = this.redis.duplicate();
    this.subscriber = sub;
    sub.on('error', () => undefined);
    sub.on('message', (_channel: string, message: string) => {
      const [kind, user, entry] = message.split(' ');
      if (kind === 'live' && user !== undefined && entry !== undefined) this.saw(Number(user), entry);
    });
    let connected = false;
    sub.on('ready', () => {
      // ioredis re-subscribes by itself after a reconnect; what was published meanwhile is lost.
      if (connected) this.generation++;
      connected = true;
      sub.subscribe(this.keys.events()).catch((err: unknown) => this.logger.warn({ err }, 'cannot subscribe to live events'));
    });
  }

  /** Stops the subscriber. */
  async stop(): Promise<void> {
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub !== null) await sub.quit().catch(() => sub.disconnect());
  }

  /** Records that user `userId` has live entry `entry` (ignored when an entry seen before is newer). */
  saw(userId: number, entry: string): void {
    const known = this.latest.get(userId);
    if (known !== undefined && compareEntryIds(known, entry) >= 0) return;
    if (known === undefined && this.latest.size >= this.maxUsers) {
      this.latest.clear();
      this.generation++;
    }
    this.latest.set(userId, entry);
  }

  /**
   * Suffix of the cache key of an answer about user `userId`: empty while nothing changed
   * since this process started (keys and ETags stay as they were), else `@<generation>:<entry>`.
   */
  suffix(userId: number): string {
    const entry = this.latest.get(userId);
    if (entry === undefined && this.generation === 0) return '';
    return `@${this.generation}:${entry ?? ''}`;
  }

  /**
   * The cache scope of an answer about user `userId`: the resource-key `suffix` now, and
   * `current()`, false once the user's live ratings changed after this call (for the hot path).
   */
  scope(userId: number): { suffix: string; current: () => boolean } {
    const suffix = this.suffix(userId);
    return { suffix, current: () => this.suffix(userId) === suffix };
  }

  /** Announces user `userId`'s new live entry: to this process at once, to every other API process by an event (best effort: a lost event is covered by reconnect generations). Never rejects. */
  async announce(userId: number, entry: string): Promise<void> {
    this.saw(userId, entry);
    await this.redis.publish(this.keys.events(), `live ${userId} ${entry}`).catch((err: unknown) => this.logger.debug({ err }, 'live event not published'));
  }
}
