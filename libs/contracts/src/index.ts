/**
 * @movielens/contracts: the HTTP contracts of the API, one zod schema per payload. Routers
 * parse with them, the OpenAPI document is generated from them, and clients (the web page)
 * take their types as `z.infer` of them. Depends on zod only, no Node API.
 */
export { defineRoute, type BodyType, type HttpMethod, type ResponseContract, type RouteContract } from './route';
export type { RankerFacts, RegistryFacts } from './registry-facts';
export * from './common.schema';
export * from './list-query.schema';
export * from './routes/analytics.contract';
export * from './routes/datasets.contract';
export * from './routes/jobs.contract';
export * from './routes/models.contract';
export * from './routes/movies.contract';
export * from './routes/ops.contract';
export * from './routes/ratings.contract';
export * from './routes/recommendations.contract';
export * from './routes/sessions.contract';
export * from './routes/similar-users.contract';
export * from './routes/status.contract';
export * from './routes/users.contract';
export * from './answer-types';
export { ingestFileReportSchema, ingestReportSchema, lineIssueSchema, type IngestFileReport, type IngestReport } from './jobs/ingest-report.schema';
export { apiRoutes } from './api-routes';
export { buildOpenApiDocument, documentPath, type DocumentInfo, type DocumentOptions, type OpenApiDocument } from './openapi/openapi-document';
export { SchemaComponents, type JsonSchema, type SchemaSide } from './openapi/json-schema';
