import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './fixtures';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('HTTP layer', () => {
  it('allows configured CORS origins only, and exposes the model headers', async () => {
    h = await startHarness({ settings: { corsOrigins: ['https://movies.example'] } });
    const allowed = await request(h.app).get('/healthz').set('Origin', 'https://movies.example').expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://movies.example');
    expect(allowed.headers['access-control-expose-headers']).toContain('X-Model-Version');
    const other = await request(h.app).get('/healthz').set('Origin', 'https://evil.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sets security headers', async () => {
    h = await startHarness();
    const res = await request(h.app).get('/healthz').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('answers 413 in the one error shape for a JSON body over 256 KiB', async () => {
    h = await startHarness();
    const liked = Array.from({ length: 60_000 }, (_, i) => i + 1);
    const res = await request(h.app).post('/api/v1/recommendations').send({ liked }).expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each(['/api/v1/movies/%E0/similar', '/api/v1/users/%E0%A4/recommendations', '/api/v1/jobs/%FF'])('answers 400 BAD_REQUEST, not 500, for a badly percent-encoded path: %s', async (path) => {
    h = await startHarness();
    const res = await request(h.app).get(path).expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.message).toMatch(/^path: not valid percent-encoding \(Failed to decode param '%/);
  });

  it('serves the built web page at / when it exists, without hiding the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-web-'));
    try {
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>MovieLens</title>');
      h = await startHarness({ settings: { webDir: dir } });
      const page = await request(h.app).get('/').expect(200);
      expect(page.text).toContain('<title>MovieLens</title>');
      await request(h.app).get('/healthz').expect(200);
      expect((await request(h.app).get('/nothing-here').expect(404)).body.error.code).toBe('NOT_FOUND');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
