import type { Queue } from 'bullmq';
import type { Logger } from '@movielens/config';
import type { KeySchema, LiveRatings, RedisClient } from '@movielens/store';
import type { KindRegistry } from '@movielens/compute';
import type { DatasetReader, ModelAdmin, ModelReader, UploadSink } from './services/ports';
import type { LiveEpochs } from './services/live-epochs';
import type { ReadModel } from './services/read-model';

/** The BullMQ queues the API enqueues into and reports on. */
export interface ApiQueues {
  ingest: Queue;
  rebuild: Queue;
  rebuildShard: Queue;
}

/** Settings of the HTTP layer (parsed from the environment by main.ts). */
export interface ApiSettings {
  /** Key required by write and admin endpoints; undefined disables them (403). */
  apiKey: string | undefined;
  /** Allowed CORS origins; empty = same-origin only, `['*']` = any. */
  corsOrigins: string[];
  /** Largest accepted upload, bytes. Default 1 GiB. */
  uploadLimitBytes: number;
  /** Write requests allowed per client per window. Default 30. */
  writeRateLimit: number;
  /** Rate-limit window, ms. Default 60,000. */
  writeRateWindowMs: number;
  /**
   * Live rating requests (`POST`/`DELETE /users/:id/ratings`) allowed per client per window,
   * beside the write limit (which counts only their failed key checks). Default 600,000 (10,000/s).
   */
  ratingsRateLimit?: number;
  /** Directory where uploaded zips are spooled (zip needs random access). Default os.tmpdir(). */
  tmpDir: string;
  /** Folder of the built web page, served at `/` when it exists. */
  webDir: string;
  /**
   * Serve the page's source maps (`*.map`, which hold the page's TypeScript sources) too.
   * WEB_SOURCE_MAPS, default false: production never serves them (404).
   */
  serveSourceMaps?: boolean;
}

/** Everything `createApp` wires together; main.ts builds it, tests build it on the test Redis. */
export interface AppDeps {
  redis: RedisClient;
  keys: KeySchema;
  models: ModelReader;
  /** Whole-set and per-kind rollback. */
  admin: ModelAdmin;
  /** The model kinds: their parameters, their `?algorithm=` serving, their set composition. */
  kinds: KindRegistry;
  datasets: DatasetReader;
  uploads: UploadSink;
  queues: ApiQueues;
  readModel: ReadModel;
  /** The live ratings log and users' overlays (`/users/:id/ratings`, and what answers lay over stored ratings). */
  live: LiveRatings;
  /** Which users' live ratings changed: their cached answers are retired. */
  liveEpochs: LiveEpochs;
  settings: ApiSettings;
  logger: Logger;
}
