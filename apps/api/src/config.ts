import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { envSchema } from '@movielens/config';
import type { ApiSettings } from './deps';

/** An unset variable and an empty one mean the same: not configured. */
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

/** Environment of the API process: the shared variables plus the HTTP ones. */
export const apiEnvSchema = envSchema.extend({
  /** TCP port. Default 3000. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to bind. Default all (`0.0.0.0`). */
  HOST: z.string().default('0.0.0.0'),
  /** Key for write and admin endpoints (>= 12 characters). Unset: those endpoints answer 403. */
  API_KEY: optionalString.pipe(z.string().min(12, 'use at least 12 characters').optional()),
  /** Comma-separated allowed CORS origins, `*` for any. Default: none (same origin only). */
  CORS_ORIGINS: z.string().default(''),
  /** Largest upload, bytes. Default 1 GiB. */
  UPLOAD_LIMIT_BYTES: z.coerce.number().int().positive().default(2 ** 30),
  /** Where uploaded zips are spooled. Default the OS temp dir. */
  UPLOAD_TMP_DIR: z.string().default(tmpdir()),
  /** Write requests per client per window. Default 30. */
  WRITE_RATE_LIMIT: z.coerce.number().int().positive().default(30),
  /** Rate-limit window, ms. Default 60,000. */
  WRITE_RATE_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  /**
   * Live rating requests (`POST`/`DELETE /users/:id/ratings`) per client per window. Default
   * 600,000 (10,000/s): a service posts its users' ratings from one address. Their failed key
   * checks count against WRITE_RATE_LIMIT, so key guessing stays limited.
   */
  RATINGS_RATE_LIMIT: z.coerce.number().int().positive().default(600_000),
  /**
   * HTTP worker processes (node:cluster) sharing the port. Default 1: one process, no cluster.
   * Each worker keeps its own model view and answer cache; `/metrics` aggregates all of them.
   */
  API_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /** Longest wait for in-flight requests on SIGTERM, ms. Default 10,000. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * Built web page served at `/`. Default `apps/web/dist` (the web app's build output), found
   * from this module as it runs: src/config.ts (tsx) or the bundle dist/main.js, both one
   * folder below apps/api, so `../../web/dist` is the same folder from either (and in the image).
   */
  WEB_DIR: z.string().default(fileURLToPath(new URL('../../web/dist', import.meta.url))),
  /** `true` serves the web page's source maps (development only). Default false: `*.map` answers 404. */
  WEB_SOURCE_MAPS: z.enum(['true', 'false']).default('false'),
});

/** Parsed API configuration. */
export type ApiConfig = z.infer<typeof apiEnvSchema>;

/** The HTTP settings `createApp` needs, from the parsed configuration. */
export function apiSettings(config: ApiConfig): ApiSettings {
  return {
    apiKey: config.API_KEY,
    corsOrigins: config.CORS_ORIGINS.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    uploadLimitBytes: config.UPLOAD_LIMIT_BYTES,
    writeRateLimit: config.WRITE_RATE_LIMIT,
    writeRateWindowMs: config.WRITE_RATE_WINDOW_MS,
    ratingsRateLimit: config.RATINGS_RATE_LIMIT,
    tmpDir: config.UPLOAD_TMP_DIR,
    webDir: config.WEB_DIR,
    serveSourceMaps: config.WEB_SOURCE_MAPS === 'true',
  };
}
