/**
 * The OpenAPI 3.1 description of the API, served at /openapi.json and rendered as an
 * interactive reference at /docs (Swagger UI from the installed package: `routes/docs.router.ts`).
 *
 * Route docs no longer live here: every route is a contract in
 * `libs/contracts/src/routes/<resource>.contract.ts` (zod schemas of its params, query, body and
 * answers, which the routers parse with), and the document is generated from them. This file
 * only hands in what the kind registry decides (`?algorithm=` values, kind names, rebuild
 * parameters), since the contracts do not depend on libs/compute.
 */
import { apiRoutes, buildOpenApiDocument, type OpenApiDocument, type RegistryFacts } from '@movielens/contracts';
import { defaultKinds, type KindRegistry } from '@movielens/compute';
import { SESSION_MAX_STEPS } from '@movielens/core';

/** What the contracts need to know of a kind registry. */
export function registryFacts(kinds: KindRegistry): RegistryFacts {
  return {
    rankers: [...kinds.recommenders()].map(([algorithm, { kind, recommender }]) => ({ algorithm, kind, scoreUnit: recommender.scoreUnit })),
    kinds: kinds.kinds.map((k) => k.name),
    rebuildParams: kinds.paramsSchema,
    sessionMaxSteps: SESSION_MAX_STEPS,
  };
}

/** The OpenAPI document of the API serving `kinds`. */
export function openApiDocumentOf(kinds: KindRegistry): OpenApiDocument {
  return buildOpenApiDocument(apiRoutes(registryFacts(kinds)), {
    info: {
      title: 'MovieLens recommendations API',
      version: '1.0.0',
      description:
        'Similar movies, recommendations and analytics served from the current model in Redis. Write endpoints need the API key (X-API-Key or Authorization: Bearer). Errors are `{ error: { code, message } }`.',
    },
    // Every GET is conditional: a matching `If-None-Match` (or `*`, which matches any existing answer, RFC 9110 13.1.2) is answered 304.
    notModified: 'Not modified: If-None-Match matched (or was *)',
  });
}

/** The document of the default kind registry. */
export const openApiDocument = openApiDocumentOf(defaultKinds);
