import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './fixtures';

const KEY = 'test-key-0123456789';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** `name=value` of the Set-Cookie header, and its attributes. */
function cookieOf(headers: Record<string, unknown>): { pair: string; attributes: string[] } {
  const raw = headers['set-cookie'] as string[] | undefined;
  expect(raw).toHaveLength(1);
  const [pair, ...attributes] = raw![0].split(';').map((s) => s.trim());
  return { pair, attributes };
}

describe('/admin/queues in a browser', () => {
  it('exchanges ?key= for an HttpOnly SameSite=Strict session cookie and redirects to the URL without the key', async () => {
    h = await startHarness();
    const res = await request(h.handler).get(`/admin/queues?key=${KEY}`).expect(303);
    expect(res.headers.location).toBe('/admin/queues');
    const { pair, attributes } = cookieOf(res.headers);
    expect(pair).toMatch(/^ml_admin=[A-Za-z0-9_-]{43}$/);
    expect(pair).not.toContain(KEY); // an HMAC of the key, not the key
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/admin/queues', 'Max-Age=43200']));

    const page = await request(h.handler).get('/admin/queues').set('Cookie', pair).expect(200);
    expect(page.text).toMatch(/<html/i);
    // Offline-safe: bull-board's link to Google Fonts is removed (its own stylesheet stays).
    expect(page.text).not.toMatch(/fonts\.googleapis|fonts\.gstatic/);
    expect(page.text).toMatch(/<link href="static\/css\/main\.[0-9a-f]+\.css" rel="stylesheet">/);
    // The dashboard's own API calls carry the cookie too.
    await request(h.handler).get('/admin/queues/api/queues').set('Cookie', `other=1; ${pair}`).expect(200);
  });

  it('keeps other query parameters when it strips the key', async () => {
    h = await startHarness();
    const res = await request(h.handler).get(`/admin/queues/queue/ingest?status=failed&key=${KEY}`).expect(303);
    expect(res.headers.location).toBe('/admin/queues/queue/ingest?status=failed');
  });

  it('refuses a wrong key, a forged cookie and no credentials, without setting a cookie', async () => {
    h = await startHarness();
    const wrong = await request(h.handler).get('/admin/queues?key=not-the-key-at-all').expect(403);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect(wrong.body.error.code).toBe('FORBIDDEN');
    await request(h.handler).get('/admin/queues').set('Cookie', 'ml_admin=forged').expect(401);
    const none = await request(h.handler).get('/admin/queues').expect(401);
    expect(none.body.error.message).toMatch(/\/admin\/queues\?key=/);
  });

  it('does not accept a cookie made with another API key', async () => {
    h = await startHarness({ settings: { apiKey: 'another-key-0123456789' } });
    const { pair } = cookieOf((await request(h.handler).get('/admin/queues?key=another-key-0123456789').expect(303)).headers);
    await h.close();
    h = await startHarness();
    await request(h.handler).get('/admin/queues').set('Cookie', pair).expect(401);
  });

  it('refuses the key exchange when no API_KEY is configured', async () => {
    h = await startHarness({ settings: { apiKey: undefined } });
    const res = await request(h.handler).get(`/admin/queues?key=${KEY}`).expect(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body.error.message).toMatch(/no API_KEY configured/);
  });

  it('counts key attempts against the write rate limit, but not the dashboard polling', async () => {
    h = await startHarness({ settings: { writeRateLimit: 2 } });
    for (let i = 0; i < 5; i++) await request(h.handler).get('/admin/queues/api/queues').set('X-API-Key', KEY).expect(200);
    await request(h.handler).get('/admin/queues?key=wrong-key-0000000').expect(403);
    await request(h.handler).get('/admin/queues?key=wrong-key-0000001').expect(403);
    await request(h.handler).get(`/admin/queues?key=${KEY}`).expect(429);
  });

  it.each([
    ['a wrong X-API-Key', { 'X-API-Key': 'wrong-key-0000000' }, 403],
    ['a wrong Bearer token', { Authorization: 'Bearer wrong-key-0000000' }, 403],
    ['a forged session cookie', { Cookie: 'ml_admin=forged' }, 401],
  ])('counts GETs with %s against the write rate limit', async (_what, headers, status) => {
    h = await startHarness({ settings: { writeRateLimit: 3 } });
    for (let i = 0; i < 3; i++) await request(h.handler).get('/admin/queues/api/queues').set(headers).expect(status);
    const limited = await request(h.handler).get('/admin/queues/api/queues').set(headers).expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    // The limit is per client, not per route: a write from the same client is refused too.
    await request(h.handler).post('/api/v1/models/rebuild').set('X-API-Key', KEY).send({}).expect(429);
  });
});
