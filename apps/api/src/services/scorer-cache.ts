import type { KindRecommender, KindScorer, ModelReads } from '@movielens/compute';
import { Lru } from './lru';
import type { ModelSnapshot } from './model-snapshot';

/** Options of {@link ScorerCache}. */
export interface ScorerCacheOptions {
  /** Bytes of loaded scorers kept (their `bytes`), all kinds together. Default 256 MiB. */
  maxBytes?: number;
}

/**
 * The loaded `KindScorer`s of the served set, one per kind version: each is read from Redis
 * once (concurrent first requests share the load) and kept within a memory budget, least
 * recently used first out. Keyed by kind version, so a new set that keeps a kind's version
 * (another kind published) keeps its scorer; when the served set changes, scorers of kind
 * versions it no longer serves are dropped at once.
 */
export class ScorerCache {
  private readonly loaded: Lru<string, KindScorer>;
  private readonly loading = new Map<string, Promise<KindScorer | null>>();
  /** Set version whose kind versions the cache holds. */
  private setVersion: string | null = null;
  /** Kind versions of that set. */
  private servedKindVersions = new Set<string>();

  constructor(
    private readonly models: ModelReads,
    options: ScorerCacheOptions = {},
  ) {
    const maxBytes = options.maxBytes ?? 256 * 2 ** 20;
    this.loaded = new Lru(1000, { maxBytes, sizeOf: (_key, scorer) => scorer.bytes });
  }

  /**
   * The scorer of `kind` in the served set `snap`; null when the kind has no scorer or the set
   * has no version of it. A scorer larger than the whole budget is loaded for this request and
   * not kept.
   */
  async get(snap: ModelSnapshot, kind: string, recommender: KindRecommender): Promise<KindScorer | null> {
    const source = snap.source(kind);
    if (recommender.scorer === undefined || source === null) return null;
    if (snap.version !== this.setVersion) this.retain(snap);
    const key = source.version;
    const hit = this.loaded.get(key);
    if (hit !== undefined) return hit;
    let pending = this.loading.get(key);
    if (pending === undefined) {
      pending = recommender.scorer(this.models, snap.version).then(
        (scorer) => {
          this.loading.delete(key);
          // Still served (the set may have moved on while it loaded)?
          if (scorer !== null && this.servesVersion(key)) this.loaded.set(key, scorer);
          return scorer;
        },
        (err: unknown) => {
          this.loading.delete(key);
          throw err;
        },
      );
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** Scorers held and their bytes (for metrics and tests). */
  size(): { entries: number; bytes: number } {
    return { entries: this.loaded.size, bytes: this.loaded.sizeBytes };
  }

  private servesVersion(kindVersion: string): boolean {
    return this.servedKindVersions.has(kindVersion);
  }

  /** Drops scorers of kind versions `snap`'s set does not serve. */
  private retain(snap: ModelSnapshot): void {
    this.setVersion = snap.version;
    this.servedKindVersions = new Set(Object.values(snap.meta.kinds ?? {}).map((ref) => ref.version));
    for (const key of this.loaded.keys()) if (!this.servedKindVersions.has(key)) this.loaded.remove(key);
  }
}
