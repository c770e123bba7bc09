/**
 * The OpenAPI 3.1 document generated from route contracts: paths, parameters, bodies and
 * answers all come from the contracts' zod schemas (`z.toJSONSchema`), so the document cannot
 * drift from what the routers validate.
 */
import type { z } from 'zod';
import type { RouteContract } from '../route';
import { SchemaComponents, type JsonSchema } from './json-schema';

/** The document's `info` block. */
export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

/** Options of {@link buildOpenApiDocument}. */
export interface DocumentOptions {
  info: DocumentInfo;
  /**
   * Every GET of this API is conditional: when set, this describes the 304 added to each GET
   * that does not document its own. Default: no 304 is added.
   */
  notModified?: string;
}

/** An OpenAPI 3.1 document (the parts this builder writes). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: DocumentInfo;
  components: { securitySchemes: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
  paths: Record<string, Record<string, JsonSchema>>;
}

/** `/movies/:id` as the document writes it: `/movies/{id}`. */
export function documentPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** The path or query parameters of an operation, one per key of the object schema. */
function parameters(shape: z.ZodObject | undefined, where: 'path' | 'query', components: SchemaComponents): JsonSchema[] {
  if (shape === undefined) return [];
  return Object.entries(shape.shape).map(([name, field]) => {
    const { description, ...schema } = components.convert(field as z.ZodType, 'input');
    // A query parameter may be left out when its schema takes `undefined` (optional or defaulted).
    const required = where === 'path' || !(field as z.ZodType).safeParse(undefined).success;
    return { name, in: where, required, ...(description === undefined ? {} : { description }), schema };
  });
}

/** The operation object of one route. */
function operation(route: RouteContract, components: SchemaComponents, notModified: string | undefined): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, answer] of Object.entries(route.responses)) {
    const content =
      answer.schema !== undefined
        ? { 'application/json': { schema: components.convert(answer.schema, 'output') } }
        : answer.contentType !== undefined
          ? { [answer.contentType]: { schema: { type: 'string' } } }
          : undefined;
    const headers = answer.headers === undefined ? undefined : Object.fromEntries(Object.entries(answer.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
    responses[status] = { description: answer.description, ...(headers === undefined ? {} : { headers }), ...(content === undefined ? {} : { content }) };
  }
  if (route.method === 'get' && notModified !== undefined && responses['304'] === undefined) responses['304'] = { description: notModified };
  const params = [...parameters(route.params, 'path', components), ...parameters(route.query, 'query', components)];
  return {
    tags: [route.tag],
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    ...(route.auth === true ? { security: [{ apiKey: [] }, { bearer: [] }] } : {}),
    ...(params.length === 0 ? {} : { parameters: params }),
    ...(route.body === undefined ? {} : { requestBody: { required: true, content: { [route.bodyType ?? 'application/json']: { schema: components.convert(route.body, 'input') } } } }),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of `routes`.
 * @throws Error when two routes share a method and path, or a path parameter has no schema
 */
export function buildOpenApiDocument(routes: readonly RouteContract[], options: DocumentOptions): OpenApiDocument {
  const components = new SchemaComponents();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = documentPath(route.path);
    const names = [...route.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
    const declared = Object.keys(route.params?.shape ?? {});
    if (names.join() !== declared.join()) throw new Error(`${route.method.toUpperCase()} ${route.path}: path parameters ${names.join(', ') || 'none'} but params declare ${declared.join(', ') || 'none'}`);
    const item = (paths[path] ??= {});
    if (item[route.method] !== undefined) throw new Error(`${route.method.toUpperCase()} ${route.path} is declared twice`);
    item[route.method] = operation(route, components, options.notModified);
  }
  return {
    openapi: '3.1.0',
    info: options.info,
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' }, bearer: { type: 'http', scheme: 'bearer' } },
      schemas: components.schemas,
    },
    paths,
  };
}
