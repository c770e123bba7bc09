import { isOnScale, releaseName, type RatingScale, type Release } from '@movielens/core';
import type { LiveMark } from '@movielens/store';
import { HttpError } from '../middleware/errors';
import type { DatasetReader } from './ports';

/** What a live rating is checked against: the current dataset version's release, scale and movies. */
export interface RatingRules {
  datasetVersion: string;
  release: Release;
  scale: RatingScale;
  /** Where the version stands in the live log (absent in its meta: none applied). */
  live: LiveMark | undefined;
  /** Whether the version knows `movieId` (described in its movies file, or rated). */
  knows(movieId: number): boolean;
  /** Why `rating` is off the scale, or null when it is on it. */
  offScale(rating: number): string | null;
}

/** How long the current dataset pointer read by {@link RatingRulesCache} is reused, ms. */
export const POINTER_TTL_MS = 500;

/**
 * The rules of the current dataset version, built once per version (its movie ids from the
 * movies hash, or from its ratings when it has no movie info) and kept until the version
 * changes. The pointer is read at most every {@link POINTER_TTL_MS}: a rating checked against a
 * version replaced a moment ago is checked again when it is applied (what the new version
 * cannot take is skipped and counted), so the saved round trip costs nothing in correctness.
 */
export class RatingRulesCache {
  private cached: Promise<RatingRules> | null = null;
  private cachedVersion: string | null = null;
  private pointer: { version: Promise<string | null>; until: number } | null = null;

  /** @param now - clock, ms; default `performance.now` */
  constructor(
    private readonly datasets: DatasetReader,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The current dataset version, read again once the last read is {@link POINTER_TTL_MS} old (a failed read is not kept). */
  private currentVersion(): Promise<string | null> {
    const t = this.now();
    if (this.pointer === null || t >= this.pointer.until) {
      const version = this.datasets.currentVersion();
      const entry = { version, until: t + POINTER_TTL_MS };
      this.pointer = entry;
      version.catch(() => {
        if (this.pointer === entry) this.pointer = null;
      });
    }
    return this.pointer.version;
  }

  /** The rules of the current dataset version; 503 NOT_READY before the first ingest. */
  async current(): Promise<RatingRules> {
    const ver = await this.currentVersion();
    if (ver === null) throw new HttpError(503, 'NOT_READY', 'No dataset has been ingested yet, so ratings cannot be checked: upload one first (POST /api/v1/datasets).');
    if (this.cached === null || this.cachedVersion !== ver) {
      this.cachedVersion = ver;
      const loading = this.load(ver);
      this.cached = loading;
      loading.catch(() => {
        if (this.cached === loading) this.cached = null;
      });
    }
    return this.cached;
  }

  private async load(ver: string): Promise<RatingRules> {
    const meta = await this.datasets.meta(ver);
    if (meta === null) throw new HttpError(503, 'NOT_READY', `The current dataset version ${ver} is not readable (being replaced?). Retry shortly.`);
    const ids = new Set<number>();
    if (meta.hasMovieInfo) for (const m of await this.datasets.loadMovies(ver)) ids.add(m.id);
    else {
      const ratings = await this.datasets.loadRatings(ver);
      for (let i = 0; i < ratings.length; i++) ids.add(ratings.movies[i]);
    }
    const scale = meta.ratingScale;
    const steps = scale.step === 1 ? 'whole stars' : `steps of ${scale.step}`;
    return {
      datasetVersion: ver,
      release: meta.release,
      scale,
      live: meta.live,
      knows: (movieId) => ids.has(movieId),
      offScale: (rating) => (isOnScale(rating, scale) ? null : `expected ${scale.min} to ${scale.max} in ${steps} (the ${releaseName(meta.release)} scale)`),
    };
  }
}
