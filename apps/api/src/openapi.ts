/**
 * The OpenAPI 3.1 description of the API, served at /openapi.json and rendered as an
 * interactive reference at /docs (Swagger UI from the installed package: `routes/docs.router.ts`).
 */
import { defaultKinds } from '@movielens/compute';
import { SESSION_MAX_STEPS } from '@movielens/core';
import { z } from 'zod';

/** The `?algorithm=` values: one per ranking kind of the registry, with what its score means. */
const RANKERS = [...defaultKinds.recommenders()].map(([algorithm, { kind, recommender }]) => ({ algorithm, kind, scoreUnit: recommender.scoreUnit }));

/** The rebuild parameters as JSON Schema, generated from the kind registry's zod schema. */
function paramsJsonSchema(): Schema {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(defaultKinds.paramsSchema.partial().strict(), { io: 'input' }) as Schema;
  return schema;
}

/** Where an answer comes from: the kind version and the dataset version it was trained on. */
const sourceSchema = {
  type: ['object', 'null'],
  description: 'The kind version that answered and the dataset version it was trained on (kinds publish on their own, so they may lag behind the newest data while they train)',
  properties: { kind: { type: 'string' }, version: { type: 'string' }, datasetVersion: { type: 'string' } },
};

type Schema = Record<string, unknown>;

const int = (description: string, extra: Schema = {}): Schema => ({ type: 'integer', description, ...extra });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** A query or path parameter. */
function param(name: string, where: 'path' | 'query', schema: Schema, description: string) {
  return { name, in: where, required: where === 'path', schema, description };
}

const idParam = (what: string) => param('id', 'path', int(`${what} id`, { minimum: 1 }), `MovieLens ${what} id`);
const kParam = param('k', 'query', int('list length', { minimum: 1, maximum: 100, default: 10 }), 'How many entries to return (1..100, default 10)');
const limitParam = param('limit', 'query', int('max entries', { minimum: 1, maximum: 100, default: 20 }), 'Maximum entries returned');
const minRatings = (def: number) => param('minRatings', 'query', int('minimum ratings', { minimum: 1, default: def }), `Only movies with at least this many ratings (default ${def})`);

const errors = {
  '400': { description: 'Invalid parameter or body; the message names the field and the reason', content: { 'application/json': { schema: ref('Error') } } },
  '404': { description: 'Unknown id', content: { 'application/json': { schema: ref('Error') } } },
  '503': { description: 'NOT_READY (no model yet), UNAVAILABLE (Redis unreachable), or on the next-movie routes LSTM_TRAINING (an LSTM is being trained; retry later)', content: { 'application/json': { schema: ref('Error') } } },
};
const writeErrors = {
  ...errors,
  '401': { description: 'No API key sent', content: { 'application/json': { schema: ref('Error') } } },
  '403': { description: 'Wrong API key, or the server has no API_KEY configured', content: { 'application/json': { schema: ref('Error') } } },
  '429': { description: 'Write rate limit exceeded' },
};

/** The movie fields every list entry carries beside its `movieId`. */
const listed: Record<string, Schema> = {
  title: { type: ['string', 'null'], description: 'Null when the catalogue lacks the movie' },
  year: { type: ['integer', 'null'], description: 'Release year from the title; null when it has none' },
  genres: { type: 'array', items: { type: 'string' } },
};

const json = (schema: Schema, description = 'OK') => ({ description, content: { 'application/json': { schema } } });

/** Statuses of every operation that reads a JSON body. */
const bodyErrors = {
  '413': { description: 'Body larger than the route accepts', content: { 'application/json': { schema: ref('Error') } } },
  '415': { description: 'A charset or content encoding other than UTF-8 JSON', content: { 'application/json': { schema: ref('Error') } } },
};

/** A model-backed read: carries X-Model-Version and an ETag; 304 on If-None-Match. */
function modelRead(summary: string, parameters: unknown[], schema: Schema, tag: string) {
  return {
    get: {
      tags: [tag],
      summary,
      parameters,
      responses: {
        '200': { ...json(schema), headers: { 'X-Model-Version': { schema: { type: 'string' } }, ETag: { schema: { type: 'string' } } } },
        '304': { description: 'Not modified (If-None-Match matched the current model version)' },
        ...errors,
      },
    },
  };
}

const analyticsPaths = {
  '/api/v1/analytics/top-rated': modelRead('Highest mean rating', [minRatings(100), limitParam], ref('MovieRanking'), 'analytics'),
  '/api/v1/analytics/most-rated': modelRead('Most ratings', [limitParam], ref('MovieRanking'), 'analytics'),
  '/api/v1/analytics/recently-popular': modelRead(
    "Most ratings among the newest 10% of the dataset's ratings (its own recent past): value = ratings in that window, since/until = the window",
    [limitParam],
    ref('MovieRanking'),
    'analytics',
  ),
  '/api/v1/analytics/gender-gap': modelRead(
    'Largest difference between women and men',
    [param('direction', 'query', { type: 'string', enum: ['women', 'men'], default: 'women' }, 'Which gender prefers the movie'), param('minPerGender', 'query', int('minimum ratings per gender', { default: 50 }), 'Minimum ratings from each gender'), limitParam],
    ref('MovieRanking'),
    'analytics',
  ),
  '/api/v1/analytics/divisive': modelRead('Largest rating standard deviation', [minRatings(100), limitParam], ref('MovieRanking'), 'analytics'),
  '/api/v1/analytics/distribution': modelRead('Histogram of all ratings', [], { type: 'object' }, 'analytics'),
  '/api/v1/analytics/by-age': modelRead('Ratings by age group', [], { type: 'object' }, 'analytics'),
  '/api/v1/analytics/by-occupation': modelRead('Ratings by occupation', [], { type: 'object' }, 'analytics'),
  '/api/v1/analytics/by-genre': modelRead('Ratings by genre', [], { type: 'object' }, 'analytics'),
  '/api/v1/analytics/by-gender': modelRead('Ratings by gender', [], { type: 'object' }, 'analytics'),
};

/**
 * Every GET is conditional: a matching `If-None-Match` (or `*`, which matches any existing
 * answer, RFC 9110 13.1.2) is answered 304. Listed on each GET so the document says it.
 */
function withNotModified<P extends Record<string, Record<string, { responses: Record<string, unknown> }>>>(paths: P): P {
  for (const item of Object.values(paths)) {
    const get = item.get;
    if (get !== undefined && get.responses['304'] === undefined) get.responses['304'] = { description: 'Not modified: If-None-Match matched (or was *)' };
  }
  return paths;
}

/** The OpenAPI document. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'MovieLens recommendations API',
    version: '1.0.0',
    description:
      'Similar movies, recommendations and analytics served from the current model in Redis. Write endpoints need the API key (X-API-Key or Authorization: Bearer). Errors are `{ error: { code, message } }`.',
  },
  components: {
    securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' }, bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } } },
      Movie: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' }, year: { type: ['integer', 'null'] }, genres: { type: 'array', items: { type: 'string' } } } },
      Similar: {
        type: 'object',
        properties: {
          movieId: { type: 'integer' },
          model: { type: 'string' },
          source: sourceSchema,
          similar: { type: 'array', items: { type: 'object', properties: { movieId: { type: 'integer' }, ...listed, score: { type: 'number', description: 'Cosine similarity of the two movies\' SVD factors, -1..1' }, count: { type: 'integer', description: 'Ratings of the similar movie' } } } },
        },
      },
      Recommendations: {
        type: 'object',
        properties: {
          userId: { type: 'integer' },
          model: { type: 'string' },
          algorithm: { type: 'string', enum: RANKERS.map((r) => r.algorithm) },
          source: sourceSchema,
          scoreUnit: { type: 'string', description: `What score means: ${RANKERS.map((r) => `${r.algorithm}: ${r.scoreUnit}`).join('; ')}` },
          recommendations: { type: 'array', items: { type: 'object', properties: { movieId: { type: 'integer' }, ...listed, score: { type: 'number', description: 'Predicted stars (user mean + SVD reconstruction, or the MF prediction); may fall outside the rating scale' } } } },
        },
      },
      User: {
        type: 'object',
        properties: {
          model: { type: 'string' },
          user: { type: 'object' },
          ratingCount: { type: 'integer' },
          meanRating: { type: ['number', 'null'] },
          favouriteGenres: {
            type: 'array',
            description: 'Up to 5 genres with the most of the user\'s ratings (ties: higher mean, then name)',
            items: { type: 'object', properties: { genre: { type: 'string' }, count: { type: 'integer' }, mean: { type: 'number' } } },
          },
          topRated: {
            type: 'array',
            description: 'The user\'s up to 10 highest ratings (ties: ascending movie id)',
            items: { type: 'object', properties: { movieId: { type: 'integer' }, ...listed, rating: { type: 'number' } } },
          },
        },
      },
      Predictions: {
        type: 'object',
        properties: {
          userId: { type: 'integer' },
          model: { type: 'string' },
          predictions: { type: 'array', items: { type: 'object', properties: { movieId: { type: 'integer' }, title: { type: ['string', 'null'] }, rating: { type: 'number', description: 'Predicted stars (MF model, clipped to the rating range)' } } } },
          ignored: { type: 'array', items: { type: 'integer' }, description: 'Requested movie ids the MF model does not know' },
        },
      },
      NextMovies: {
        type: 'object',
        properties: {
          userId: { type: 'integer', description: 'GET /users/{id}/next only' },
          lastWatched: { type: ['object', 'null'], description: 'GET /users/{id}/next only: the most recent movie of the history', properties: { movieId: { type: 'integer' }, title: { type: ['string', 'null'] } } },
          model: { type: 'string' },
          ignored: { type: 'array', items: { type: 'integer' }, description: 'POST /sessions/next only: session movie ids the LSTM does not know' },
          moviesRead: { type: 'integer', description: `POST /sessions/next only: how many session movies the LSTM read, i.e. the most recent known ones, at most ${SESSION_MAX_STEPS} (older ones are not read, to bound latency, but are still excluded from next)` },
          next: { type: 'array', items: { type: 'object', properties: { movieId: { type: 'integer' }, ...listed, score: { type: 'number', description: 'LSTM logit: only the order means something (higher is likelier next)' } } } },
        },
      },
      MovieRanking: {
        type: 'object',
        properties: {
          model: { type: 'string' },
          movies: { type: 'array', items: { type: 'object', properties: { movieId: { type: 'integer' }, ...listed, value: { type: 'number', description: 'What the ranking sorts by' }, count: { type: 'integer' }, mean: { type: ['number', 'null'] } } } },
        },
      },
      Status: {
        type: 'object',
        properties: {
          model: { type: ['object', 'null'], description: 'The model served: version, createdAt, datasetVersion, nextMovies (has an LSTM)' },
          dataset: { type: ['object', 'null'], description: 'Its dataset: version, release, createdAt, synthetic (made by the generator), demographics (a users file was ingested), counts' },
          newDataset: { type: ['object', 'null'], description: 'The current dataset when the served model is not built from it yet (a new one is being built)' },
          builds: { type: 'array', items: { type: 'object' }, description: 'Rebuild jobs waiting or running: id, name, state, stage, percent (within the stage), lstm, trigger, datasetVersion, createdAt, startedAt' },
          searchExample: { type: ['string', 'null'], description: 'A title of the catalogue (the most rated movie)' },
        },
      },
      Job: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          queue: { type: 'string' },
          name: { type: 'string' },
          state: { type: 'string' },
          progress: {},
          data: { description: 'The job payload; null without the API key' },
          result: { description: 'The job result (an ingest report names files and quotes lines); null without the API key' },
          failedReason: { type: ['string', 'null'], description: 'Why it failed; without the API key only that it did' },
          redacted: { type: 'boolean', description: 'True when the caller presented no key, so data, result and failedReason are withheld' },
          attemptsMade: { type: 'integer' },
          createdAt: { type: 'string' },
          processedAt: { type: ['string', 'null'] },
          finishedAt: { type: ['string', 'null'] },
        },
      },
      Accepted: { type: 'object', properties: { jobId: { type: 'string' }, uploadId: { type: 'string' } } },
    },
  },
  paths: withNotModified({
    '/api/v1/datasets': {
      post: {
        tags: ['datasets'],
        summary: 'Upload MovieLens files (ratings, movies, users) or a release .zip; starts an ingest job',
        security: [{ apiKey: [] }, { bearer: [] }],
        requestBody: {
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: {
                  files: { type: 'array', maxItems: 20, items: { type: 'string', format: 'binary' }, description: 'At most 20 files; no two staged under one name (a zip entry counts by its base name)' },
                  mode: { type: 'string', enum: ['replace', 'append'], default: 'replace' },
                  maxErrors: { type: 'integer', minimum: 0, default: 0 },
                },
              },
            },
          },
        },
        responses: { '202': json(ref('Accepted'), 'Accepted: follow jobId at /api/v1/jobs/{id}'), '413': { description: 'Upload larger than the limit, as sent or unpacked (zip entries count unpacked), a zip of more than 1000 entries, or more form fields or parts than allowed (20 fields, 40 parts, values of at most 1 KB)', content: { 'application/json': { schema: ref('Error') } } }, '415': { description: 'Not multipart/form-data', content: { 'application/json': { schema: ref('Error') } } }, ...writeErrors },
      },
    },
    '/api/v1/jobs': {
      get: {
        tags: ['jobs'],
        summary: 'Recent ingest and rebuild jobs, newest first',
        description: 'Without the API key, data, result and failedReason are null and redacted is true: they name uploaded files and quote their lines. A wrong key is refused (403).',
        parameters: [limitParam, param('queue', 'query', { type: 'string', enum: ['ingest', 'rebuild', 'rebuild-shard'] }, 'Only this queue')],
        responses: { '200': json({ type: 'object', properties: { jobs: { type: 'array', items: ref('Job') } } }), '403': writeErrors['403'], ...errors },
      },
    },
    '/api/v1/jobs/{id}': {
      get: {
        tags: ['jobs'],
        summary: 'One job (queue-qualified id, e.g. ingest:12); details only with the API key, as for the list',
        parameters: [param('id', 'path', { type: 'string' }, 'e.g. ingest:12 or rebuild:5')],
        responses: { '200': json(ref('Job')), '403': writeErrors['403'], ...errors },
      },
    },
    '/api/v1/status': {
      get: {
        tags: ['models'],
        summary: 'What is served (model, its dataset: synthetic?, demographics?) and what is being built (a newer dataset, rebuild jobs with stage and percent); never cached',
        responses: { '200': json(ref('Status')), '503': errors['503'] },
      },
    },
    '/api/v1/models': { get: { tags: ['models'], summary: 'Model versions with parameters and metrics', responses: { '200': json({ type: 'object' }) } } },
    '/api/v1/models/rebuild': {
      post: {
        tags: ['models'],
        summary: 'Build the model kinds that the served set lacks for the current dataset and these parameters; each kind trains as its own job and publishes on its own',
        security: [{ apiKey: [] }, { bearer: [] }],
        // The parameters are every kind's slice, from the kind registry (one source).
        requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { params: paramsJsonSchema() } } } } },
        responses: { '202': json(ref('Accepted')), ...writeErrors, ...bodyErrors },
      },
    },
    '/api/v1/models/{version}/activate': {
      post: {
        tags: ['models'],
        summary: 'Serve an earlier (or later) published set version: rollback of every kind at once',
        security: [{ apiKey: [] }, { bearer: [] }],
        parameters: [param('version', 'path', { type: 'string' }, 'Set version id')],
        responses: { '200': json({ type: 'object' }), ...writeErrors },
      },
    },
    '/api/v1/models/kinds/{kind}': {
      get: {
        tags: ['models'],
        summary: `The listed versions of one model kind (${defaultKinds.kinds.map((k) => k.name).join(', ')}), newest first, and which one is served`,
        parameters: [param('kind', 'path', { type: 'string', enum: defaultKinds.kinds.map((k) => k.name) }, 'Model kind')],
        responses: { '200': json({ type: 'object' }), ...errors },
      },
    },
    '/api/v1/models/kinds/{kind}/{version}/activate': {
      post: {
        tags: ['models'],
        summary: 'Per-kind rollback: serve a new set with this listed version of the kind, every other kind as served',
        security: [{ apiKey: [] }, { bearer: [] }],
        parameters: [param('kind', 'path', { type: 'string', enum: defaultKinds.kinds.map((k) => k.name) }, 'Model kind'), param('version', 'path', { type: 'string' }, 'Kind version id, e.g. mf-1764082800000-3fa2')],
        responses: { '200': json({ type: 'object' }), ...writeErrors },
      },
    },
    '/api/v1/movies': modelRead(
      'Search movies by title (case- and accent-insensitive) and genre',
      [param('query', 'query', { type: 'string' }, 'Part of the title'), param('genre', 'query', { type: 'string' }, 'Genre name'), param('page', 'query', int('page', { default: 1 }), '1-based page'), limitParam],
      { type: 'object', properties: { total: { type: 'integer' }, movies: { type: 'array', items: ref('Movie') } } },
      'movies',
    ),
    '/api/v1/movies/{id}': modelRead('A movie with its rating statistics (mean, count, histogram)', [idParam('movie')], { type: 'object' }, 'movies'),
    '/api/v1/movies/{id}/similar': modelRead('Most similar movies (cosine of SVD factors)', [idParam('movie'), kParam], ref('Similar'), 'movies'),
    '/api/v1/users/{id}': modelRead('A user: demographics, rating count and mean, favourite genres, highest-rated movies', [idParam('user')], ref('User'), 'users'),
    '/api/v1/users/{id}/recommendations': modelRead(
      'Recommendations of a known user, excluding movies they rated: the stored PureSVD list (default) or ranked by the trained MF model (503 NOT_READY when the model has none)',
      [idParam('user'), kParam, param('algorithm', 'query', { type: 'string', enum: RANKERS.map((r) => r.algorithm), default: 'puresvd' }, `The ranking model kind: ${RANKERS.map((r) => `${r.algorithm} (kind ${r.kind}; score: ${r.scoreUnit})`).join(', ')}. 503 NOT_READY when the served set has no version of that kind`)],
      ref('Recommendations'),
      'users',
    ),
    '/api/v1/users/{id}/next': modelRead(
      'Next movies for a known user from their rating history ordered by time, excluding movies they rated (LSTM; 503 LSTM_TRAINING while one is being trained, NOT_READY when none was asked for)',
      [idParam('user'), kParam],
      ref('NextMovies'),
      'users',
    ),
    '/api/v1/sessions/next': {
      post: {
        tags: ['users'],
        summary: 'Next movies for an anonymous session from the movies it watched, oldest first (LSTM; 503 LSTM_TRAINING while one is being trained, NOT_READY without one)',
        description: `The LSTM reads the session's ${SESSION_MAX_STEPS} most recent known movies (moviesRead in the answer): the recurrence costs a step per movie, and this cap keeps p99 under 5 ms for the longest accepted session (1,000 movies). Every session movie is still excluded from next; unknown ids are listed in ignored.`,
        requestBody: {
          content: { 'application/json': { schema: { type: 'object', required: ['movies'], properties: { movies: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 1000 }, k: { type: 'integer', minimum: 1, maximum: 100, default: 10 } } } } },
        },
        responses: { '200': json(ref('NextMovies')), ...errors, ...bodyErrors },
      },
    },
    '/api/v1/users/{id}/predictions': {
      get: {
        tags: ['users'],
        summary: 'Predicted ratings (stars) of a known user for given movies, from the trained MF model; 503 NOT_READY when the model has none',
        parameters: [idParam('user'), { ...param('movies', 'query', { type: 'string', pattern: '^\\d+(,\\d+)*$' }, 'Comma-separated movie ids (1..1000)'), required: true }],
        responses: { '200': { ...json(ref('Predictions')), headers: { 'X-Model-Version': { schema: { type: 'string' } } } }, ...errors },
      },
    },
    '/api/v1/recommendations': {
      post: {
        tags: ['users'],
        summary: 'Recommendations for an anonymous user from ratings or liked movies (folding-in, no rebuild)',
        requestBody: {
          content: {
            'application/json': {
              schema: {
                oneOf: [
                  { type: 'object', required: ['ratings'], properties: { ratings: { type: 'array', items: { type: 'object', properties: { movieId: { type: 'integer' }, rating: { type: 'number', minimum: 0.5, maximum: 5 } } } }, k: { type: 'integer' } } },
                  { type: 'object', required: ['liked'], properties: { liked: { type: 'array', items: { type: 'integer' } }, k: { type: 'integer' } } },
                ],
              },
            },
          },
        },
        responses: { '200': json({ type: 'object' }), ...errors, ...bodyErrors },
      },
    },
    ...analyticsPaths,
    '/healthz': { get: { tags: ['ops'], summary: 'The process is up', responses: { '200': json({ type: 'object' }) } } },
    '/readyz': { get: { tags: ['ops'], summary: 'Redis reachable and the current model servable (its snapshot loads)', responses: { '200': json({ type: 'object' }), '503': json({ type: 'object' }, 'Not ready, with the reason') } } },
    '/openapi.json': { get: { tags: ['ops'], summary: 'This document (OpenAPI 3.1)', responses: { '200': json({ type: 'object' }) } } },
    '/docs': { get: { tags: ['ops'], summary: 'The interactive API reference (Swagger UI, served from the installed package: no CDN)', responses: { '200': { description: 'HTML' } } } },
    '/docs/init.js': { get: { tags: ['ops'], summary: 'Script of the API reference page (points Swagger UI at /openapi.json)', responses: { '200': { description: 'JavaScript' } } } },
    '/metrics': { get: { tags: ['ops'], summary: 'Prometheus metrics', responses: { '200': { description: 'text/plain exposition format' } } } },
    '/admin/queues': {
      get: {
        tags: ['ops'],
        summary: 'Bull Board for the ingest, rebuild and rebuild-shard queues (API key as a header, or once as ?key= in a browser: exchanged for an HttpOnly session cookie)',
        responses: {
          '200': { description: 'HTML' },
          '303': { description: 'Signed in with ?key=: a session cookie is set and the browser is sent to the same path under /admin/queues without the key' },
          '401': writeErrors['401'],
          '403': writeErrors['403'],
          '429': writeErrors['429'],
        },
      },
    },
  }),
};
