import { existsSync } from 'node:fs';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AppDeps } from './deps';
import { adminSession } from './middleware/admin-session';
import { requireApiKey } from './middleware/auth';
import { HttpError, errorHandler, notFoundHandler } from './middleware/errors';
import { withHotPath, type RequestListener } from './middleware/hot-path';
import { guardListener } from './middleware/request-guard';
import { createMetrics, type ApiMetrics, type MetricsOptions } from './middleware/metrics';
import { withoutExternalFonts } from './middleware/offline-fonts';
import { securityHeaders } from './middleware/security-headers';
import { analyticsRouter } from './routes/analytics.router';
import { datasetsRouter } from './routes/datasets.router';
import { docsRouter } from './routes/docs.router';
import { jobsRouter } from './routes/jobs.router';
import { modelsRouter } from './routes/models.router';
import { moviesRouter } from './routes/movies.router';
import { opsRouter } from './routes/ops.router';
import { ratingsRouter } from './routes/ratings.router';
import { recommendationsRouter } from './routes/recommendations.router';
import { sessionsRouter } from './routes/sessions.router';
import { statusRouter } from './routes/status.router';
import { usersRouter } from './routes/users.router';

/** Prefix of every resource route. */
export const API_PREFIX = '/api/v1';

/** The Express app, the server's request listener and the metrics registry (exposed so tests can read what was recorded). */
export interface CreatedApp {
  /** Every route, through Express. */
  app: Express;
  /**
   * What the HTTP server runs: the hot path (repeated model reads replayed from the per-version
   * answer cache, see `middleware/hot-path.ts`) in front of `app`, inside the listener guard
   * (`middleware/request-guard.ts`): nothing a request does can throw out of it.
   */
  handler: RequestListener;
  metrics: ApiMetrics;
}

/** Where bull-board is mounted. */
const ADMIN_QUEUES = '/admin/queues';

/** Bull Board for the three queues, mounted by the caller behind the API key. */
function bullBoard({ queues }: AppDeps): RequestHandler {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_QUEUES);
  createBullBoard({
    queues: [new BullMQAdapter(queues.ingest), new BullMQAdapter(queues.rebuild), new BullMQAdapter(queues.rebuildShard)],
    // @bull-board/express 9.10.1 pins its own @bull-board/api 9.10.1 beside our 9.10.2: the
    // same interface in two declaration files, so TypeScript needs the cast; runtime is the same.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  return serverAdapter.getRouter() as RequestHandler;
}

/**
 * Builds the HTTP app without listening (tests drive it with supertest). Order: metrics,
 * admin UI (before the security headers: its page needs its own scripts), security headers
 * and CORS, resource routers under `/api/v1` (JSON bodies parsed only on the routes that take
 * one), root ops routes, the web page, then the JSON 404 and the one error handler.
 * @param options - metrics options (cluster-wide `/metrics` in a node:cluster worker)
 */
export function createApp(deps: AppDeps, options: MetricsOptions = {}): CreatedApp {
  const { settings, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Model answers carry their own version-based ETag; Express's body hashing would only cost time.
  app.set('etag', false);
  const metrics = createMetrics(deps.queues, options);
  app.use(metrics.middleware);

  const apiKey = requireApiKey(settings.apiKey);
  const writeLimit = rateLimit({
    windowMs: settings.writeRateWindowMs,
    limit: settings.writeRateLimit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Every write counts. An admin GET counts too, then is handed back once it succeeded: the
    // dashboard's polling costs nothing, while a GET with a wrong key, Bearer token or cookie
    // (401/403) keeps its count, so key guesses are limited however they are sent.
    skipSuccessfulRequests: true,
    requestWasSuccessful: (req, res) => req.method === 'GET' && req.originalUrl.startsWith(ADMIN_QUEUES) && res.statusCode < 400,
    handler: (_req, _res, next) =>
      next(new HttpError(429, 'RATE_LIMITED', `Too many write requests: at most ${settings.writeRateLimit} per ${Math.round(settings.writeRateWindowMs / 1000)} s. Retry later.`)),
  });
  const guard: RequestHandler[] = [writeLimit, apiKey];

  // Dashboard actions (retry, clean, ...) and failed key attempts count against the write limit; its successful polling does not.
  app.use(ADMIN_QUEUES, writeLimit, adminSession(settings.apiKey, ADMIN_QUEUES), withoutExternalFonts(), bullBoard(deps));

  app.use(securityHeaders());
  const corsHandler = cors({ origin: settings.corsOrigins.includes('*') ? true : settings.corsOrigins, methods: ['GET', 'POST'], exposedHeaders: ['ETag', 'X-Model-Version'] });
  // CORS only concerns requests that carry an Origin; the others only need caches told that the answer depends on it.
  app.use((req, res, next) => {
    if (req.headers.origin !== undefined) return corsHandler(req, res, next);
    res.setHeader('Vary', 'Origin');
    next();
  });

  const api = express.Router();
  api.use(datasetsRouter(deps, guard));
  api.use(jobsRouter(deps));
  api.use(modelsRouter(deps, guard));
  api.use(moviesRouter(deps));
  api.use(usersRouter(deps));
  api.use(ratingsRouter(deps));
  api.use(recommendationsRouter(deps));
  api.use(sessionsRouter(deps));
  api.use(analyticsRouter(deps));
  api.use(statusRouter(deps));
  app.use(API_PREFIX, api);
  app.use(opsRouter(deps, metrics));
  app.use(docsRouter());

  if (existsSync(settings.webDir)) {
    const page = express.static(settings.webDir, { index: 'index.html', maxAge: '1h' });
    // Source maps carry the page's sources: only on request (development), else the JSON 404.
    // The check reads the path as the file server will (`%70` is `p`).
    const isMap = (path: string) => {
      try {
        return decodeURIComponent(path).toLowerCase().endsWith('.map');
      } catch {
        return true; // not a path the file server can decode either
      }
    };
    app.use('/', (req, res, next) => (settings.serveSourceMaps !== true && isMap(req.path) ? next() : page(req, res, next)));
  }
  else logger.debug({ webDir: settings.webDir }, 'no built web page; / is not served');

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return { app, handler: guardListener(withHotPath(deps.readModel, metrics, app), logger), metrics };
}
