/** Root routes outside `/api/v1`: probes, metrics, this document and its page, the queue dashboard. */
import { z } from 'zod';
import { writeErrors } from '../common.schema';
import { defineRoute } from '../route';

/** `GET /healthz`. */
export const healthAnswer = z.object({ status: z.literal('ok'), uptimeSeconds: z.int() });

/** `GET /readyz`: ready, or why not. */
export const readyAnswer = z.object({
  status: z.enum(['ready', 'unready']),
  model: z.string().optional().describe('The set version served (or that cannot be served)'),
  reason: z.string().optional().describe('Why not ready'),
});

/** Every route of this resource. */
export const opsRoutes = [
  defineRoute({ method: 'get', path: '/healthz', tag: 'ops', summary: 'The process is up', responses: { 200: { description: 'OK', schema: healthAnswer } } }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    tag: 'ops',
    summary: 'Redis reachable and the current model servable (its snapshot loads)',
    responses: { 200: { description: 'Ready', schema: readyAnswer }, 503: { description: 'Not ready, with the reason', schema: readyAnswer } },
  }),
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    tag: 'ops',
    summary: 'This document (OpenAPI 3.1)',
    responses: { 200: { description: 'OK', schema: z.record(z.string(), z.unknown()) } },
  }),
  defineRoute({ method: 'get', path: '/docs', tag: 'ops', summary: 'The interactive API reference (Swagger UI, served from the installed package: no CDN)', responses: { 200: { description: 'HTML', contentType: 'text/html' } } }),
  defineRoute({ method: 'get', path: '/docs/init.js', tag: 'ops', summary: 'Script of the API reference page (points Swagger UI at /openapi.json)', responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } } }),
  defineRoute({ method: 'get', path: '/metrics', tag: 'ops', summary: 'Prometheus metrics', responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain' } } }),
  defineRoute({
    method: 'get',
    path: '/admin/queues',
    tag: 'ops',
    summary: 'Bull Board for the ingest, rebuild and rebuild-shard queues (API key as a header, or once as ?key= in a browser: exchanged for an HttpOnly session cookie)',
    responses: {
      200: { description: 'HTML', contentType: 'text/html' },
      303: { description: 'Signed in with ?key=: a session cookie is set and the browser is sent to the same path under /admin/queues without the key' },
      401: writeErrors[401],
      403: writeErrors[403],
      429: writeErrors[429],
    },
  }),
];
