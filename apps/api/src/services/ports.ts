/**
 * What the API needs from the stores, as narrow views of the @movielens/store classes.
 * Routes depend on these picks, not on whole stores, so what the API reads is visible here.
 */
import type { Movie, RatingTable, User } from '@movielens/core';
import type { DatasetMeta, ModelLifecycle, ModelStore, UploadStore } from '@movielens/store';

/** Reads model versions: pointer, metadata, sharded lists (one HGET each), whole tables, wherever their kind wrote them. */
export type ModelReader = Pick<
  ModelStore,
  'currentVersion' | 'meta' | 'kindMeta' | 'homeOf' | 'listVersions' | 'similar' | 'recommendations' | 'factors' | 'users' | 'movieStats' | 'analytics' | 'mf' | 'lstm' | 'lstmState' | 'table' | 'row'
>;

/** Rolls the served set back (or forward), whole or one kind. */
export type ModelAdmin = Pick<ModelLifecycle, 'activate' | 'activateKind' | 'kindVersions'>;

/** Reads dataset versions: the catalogue (once per model version), single users, and what `GET /status` says of them. */
export interface DatasetReader {
  /** The current dataset version (the newest ingested), or null before the first. */
  currentVersion(): Promise<string | null>;
  /** Metadata of a version (release, counts, whether a users file was ingested), or null when it is gone. */
  meta(ver: string): Promise<DatasetMeta | null>;
  /** Every movie of a version, by ascending id. */
  loadMovies(ver: string): Promise<Movie[]>;
  /** One user of a version, or null when absent. */
  getUser(ver: string, id: number): Promise<User | null>;
  /** Every rating of a version (columnar). */
  loadRatings(ver: string): Promise<RatingTable>;
}

/** Stages uploaded files in Redis for the ingest worker. */
export type UploadSink = Pick<UploadStore, 'create' | 'stageFile' | 'delete'>;
