import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/openapi';
import { harnessWithModel, syntheticDataset, type Harness } from './fixtures';

// The OpenAPI document and the Express routes describe the same API: every route is documented,
// and every documented path is routed (answers something other than the JSON "No route" 404).

interface Layer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every `METHOD /path` routed by an Express router stack, mount paths joined (`:id` -> `{id}`). */
function routesOf(stack: readonly Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route !== undefined) {
      const path = `${prefix}${layer.route.path}`.replace(/:([A-Za-z]+)/g, '{$1}');
      for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push(`${method.toUpperCase()} ${path}`);
    } else if (layer.handle?.stack !== undefined) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      out.push(...routesOf(layer.handle.stack, `${prefix}${mount}`));
    }
  }
  return out;
}

/** Every `METHOD /path` of the document. */
function documented(): string[] {
  return Object.entries(openApiDocument.paths).flatMap(([path, item]) => Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`));
}

let h: Harness;
beforeAll(async () => {
  ({ harness: h } = await harnessWithModel(syntheticDataset(), { k: 4, topK: 10, recsN: 10 }));
}, 120_000);
afterAll(() => h.close());

describe('the OpenAPI document and the routes', () => {
  it('documents every Express route (the queue dashboard is documented by its mount path)', () => {
    const stack = (h.app as unknown as { router: { stack: Layer[] } }).router.stack;
    const routes = routesOf(stack).filter((r) => !r.includes('/admin/queues/'));
    expect(routes.length).toBeGreaterThan(25);
    const missing = routes.filter((r) => !documented().includes(r));
    expect(missing).toEqual([]);
  });

  it('routes every documented path', async () => {
    const sample: Record<string, string> = { id: '3', version: 'm1-none', kind: 'svd' };
    for (const op of documented()) {
      const [method, template] = op.split(' ');
      const path = template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => sample[name] ?? '1');
      const res = await request(h.app)[method.toLowerCase() as 'get' | 'post'](path);
      const unrouted = res.status === 404 && typeof res.body?.error?.message === 'string' && res.body.error.message.startsWith('No route for');
      expect(unrouted, `${op} is documented but not routed`).toBe(false);
    }
  });
});
