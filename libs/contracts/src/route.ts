/**
 * A route contract: everything a client and the server agree on for one `METHOD /path`, as
 * zod schemas. The routers parse their inputs with `params`, `query` and `body`; the OpenAPI
 * document (`openapi/openapi-document.ts`) is generated from the same objects; the web page's
 * types are `z.infer` of the answer schemas.
 */
import type { z } from 'zod';

/** HTTP methods the API routes. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One documented answer of a route. */
export interface ResponseContract {
  /** What the status means for this route (shown in the document). */
  description: string;
  /** The JSON body; absent for an answer without one (304) or that is not JSON (see `contentType`). */
  schema?: z.ZodType;
  /** Media type of a non-JSON body, e.g. `text/html`; the body is then not described. Default: JSON when `schema` is set. */
  contentType?: string;
  /** Response headers, by name, with what they carry. */
  headers?: Record<string, string>;
}

/** How a route takes its body. */
export type BodyType = 'application/json' | 'multipart/form-data';

/** One route: method, path, documentation and the schemas of its inputs and answers. */
export interface RouteContract {
  method: HttpMethod;
  /** Full path in Express form, e.g. `/api/v1/movies/:id` (the document writes `{id}`). */
  path: string;
  /** Group in the document (`movies`, `users`, `ops`...). */
  tag: string;
  /** One line: what the route does. */
  summary: string;
  /** Longer notes (limits, caveats), when one line is not enough. */
  description?: string;
  /** True when the route needs the API key (X-API-Key or Authorization: Bearer). Default false. */
  auth?: boolean;
  /** Path parameters; every key is a `:name` of `path`. */
  params?: z.ZodObject;
  /** Query parameters (strings on the wire: numbers use `z.coerce`). */
  query?: z.ZodObject;
  /** The body, as parsed from `bodyType`. */
  body?: z.ZodType;
  /** Media type of the body. Default `application/json`. */
  bodyType?: BodyType;
  /** Answers by HTTP status. */
  responses: Readonly<Record<number, ResponseContract>>;
}

/**
 * Declares a route contract. Identity at run time; the `const` type parameter keeps each
 * schema's own type, so `z.infer<typeof route.responses[200].schema>` is the answer's type.
 */
export function defineRoute<const R extends RouteContract>(route: R): R {
  return route;
}
