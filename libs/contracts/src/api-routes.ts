/**
 * Every route of the API, for the OpenAPI document and the route test. A new route is one
 * `defineRoute` in `routes/<resource>.contract.ts` and its place in the resource's list.
 */
import type { RegistryFacts } from './registry-facts';
import type { RouteContract } from './route';
import { analyticsRoutes } from './routes/analytics.contract';
import { datasetRoutes } from './routes/datasets.contract';
import { jobRoutes } from './routes/jobs.contract';
import { modelRoutes } from './routes/models.contract';
import { movieRoutes } from './routes/movies.contract';
import { opsRoutes } from './routes/ops.contract';
import { ratingRoutes } from './routes/ratings.contract';
import { recommendationRoutes } from './routes/recommendations.contract';
import { sessionRoutes } from './routes/sessions.contract';
import { similarUsersRoute } from './routes/similar-users.contract';
import { statusRoutes } from './routes/status.contract';
import { userRoutes } from './routes/users.contract';

/** The routes, by resource, in the order the document lists them; `facts` are the kind registry's part. */
export function apiRoutes(facts: RegistryFacts): RouteContract[] {
  return [
    ...datasetRoutes,
    ...jobRoutes,
    ...statusRoutes,
    ...modelRoutes(facts),
    ...movieRoutes,
    ...userRoutes(facts),
    similarUsersRoute,
    ...ratingRoutes,
    ...sessionRoutes(facts),
    ...recommendationRoutes(facts),
    ...analyticsRoutes,
    ...opsRoutes,
  ];
}
