import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiRoutes } from '../api-routes';
import { errorBody, idParams, kQuery } from '../common.schema';
import { defineRoute } from '../route';
import { buildOpenApiDocument, documentPath } from './openapi-document';

const info = { title: 't', version: '1', description: 'd' };

/** Registry facts as apps/api hands them in, for two ranking kinds. */
const facts = {
  rankers: [
    { algorithm: 'puresvd', kind: 'svd', scoreUnit: 'predicted stars' },
    { algorithm: 'mf', kind: 'mf', scoreUnit: 'predicted stars' },
  ],
  kinds: ['svd', 'analytics', 'mf'],
  rebuildParams: z.object({ k: z.number().int().min(1).default(20), lstm: z.boolean().default(false) }),
  sessionMaxSteps: 50,
};

const named = z.object({ n: z.int() }).meta({ id: 'SpecNamed' });
const similar = defineRoute({
  method: 'get',
  path: '/api/v1/movies/:id/similar',
  tag: 'movies',
  summary: 'similar',
  params: idParams,
  query: kQuery.extend({ genre: z.string().optional().describe('a genre') }),
  responses: { 200: { description: 'OK', schema: named }, 404: { description: 'Unknown', schema: errorBody } },
});

describe('buildOpenApiDocument', () => {
  it('writes Express paths with {name} parameters', () => {
    expect(documentPath('/api/v1/models/kinds/:kind/:version/activate')).toBe('/api/v1/models/kinds/{kind}/{version}/activate');
  });

  it('derives each parameter from its zod field: path ones required, defaulted or optional query ones not', () => {
    const op = buildOpenApiDocument([similar], { info }).paths['/api/v1/movies/{id}/similar'].get;
    // Expected by hand from idParams, kQuery and the genre field above (input side: the wire types).
    expect(op.parameters).toEqual([
      { name: 'id', in: 'path', required: true, description: 'MovieLens id (1..2^31-1)', schema: { type: 'integer', exclusiveMinimum: 0, maximum: 2 ** 31 - 1 } },
      { name: 'k', in: 'query', required: false, description: 'How many entries to return (1..100, default 10)', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
      { name: 'genre', in: 'query', required: false, description: 'a genre', schema: { type: 'string' } },
    ]);
  });

  it('lists named schemas once under components and refers to them', () => {
    const doc = buildOpenApiDocument([similar], { info, notModified: 'same' });
    const responses = doc.paths['/api/v1/movies/{id}/similar'].get.responses as Record<string, { content?: Record<string, { schema: unknown }> }>;
    expect(responses['200'].content!['application/json'].schema).toEqual({ $ref: '#/components/schemas/SpecNamed' });
    expect(responses['404'].content!['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(doc.components.schemas.SpecNamed).toEqual({ type: 'object', properties: { n: { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER } }, required: ['n'], additionalProperties: false });
    expect(responses['304']).toEqual({ description: 'same' });
  });

  it('refuses a route declared twice and path parameters without a schema', () => {
    expect(() => buildOpenApiDocument([similar, similar], { info })).toThrow(/declared twice/);
    const noParams = defineRoute({ method: 'get', path: '/x/:id', tag: 't', summary: 's', responses: {} });
    expect(() => buildOpenApiDocument([noParams], { info })).toThrow(/path parameters id but params declare none/);
  });
});

describe('the API routes', () => {
  const doc = buildOpenApiDocument(apiRoutes(facts), { info, notModified: 'not modified' });

  it('take the ?algorithm= values, kind names and rebuild parameters from the registry facts', () => {
    const recs = doc.paths['/api/v1/users/{id}/recommendations'].get.parameters as { name: string; schema: { enum?: string[]; default?: string } }[];
    // No static default: a request without ?algorithm= gets the served set's model selection winner (else puresvd).
    expect(recs.find((p) => p.name === 'algorithm')?.schema).toEqual({ type: 'string', enum: ['puresvd', 'mf'] });
    const rebuild = doc.paths['/api/v1/models/rebuild'].post.requestBody as { content: Record<string, { schema: { properties: { params: { properties: object } } } }> };
    expect(Object.keys(rebuild.content['application/json'].schema.properties.params.properties)).toEqual(['k', 'lstm']);
    expect(doc.paths['/api/v1/models/kinds/{kind}'].get.summary).toContain('svd, analytics, mf');
    expect(doc.paths['/api/v1/sessions/next'].post.description).toContain("session's 50 most recent");
  });

  it('document every write behind the API key with the key schemes', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === 'get' || path === '/api/v1/recommendations' || path === '/api/v1/sessions/next') continue;
        expect(op.security, `${method} ${path}`).toEqual([{ apiKey: [] }, { bearer: [] }]);
      }
    }
  });

  it('survive a JSON round trip (the document is served as JSON)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
