import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@movielens/config';
import { signedInLocation } from '../src/middleware/admin-session';
import { answerClientErrors } from '../src/middleware/client-error';
import { etagOf } from '../src/middleware/cache';
import { guardListener } from '../src/middleware/request-guard';
import { harnessWithModel, startHarness, syntheticDataset, type Harness } from './fixtures';

/**
 * Findings of the hardening issue, each reproduced as it was reported: user text in headers
 * (the ETag of a search), the request listener throwing, upload form limits that dropped
 * fields, the admin redirect, job details for anonymous callers, and source maps.
 */

const KEY = 'test-key-0123456789';

/** Header values Node accepts and every HTTP peer reads the same: printable ASCII. */
const HEADER_SAFE = /^[\x20-\x7e]*$/;

describe('user text never reaches a header', () => {
  let h: Harness;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    ({ harness: h } = await harnessWithModel(syntheticDataset(), { k: 4, topK: 10, recsN: 10 }));
    // A real listening server, so a throw inside the listener would reach the process as it does in production.
    server = createServer(h.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  // As sent on the wire: a typographic apostrophe, an emoji, U+202E, NUL, invalid UTF-8, a lone surrogate, a control character.
  const queries = ['Schindler%E2%80%99s', '%F0%9F%98%80', '%E2%80%AE', '%00', '%FF', '%ED%A0%80', 'a%1Bb', 'caf%C3%A9'];
  for (const param of ['query', 'genre']) {
    it(`answers ${param}=<any text> with 200 twice (the second from the hot path) and a header-safe ETag`, async () => {
      for (const text of queries) {
        const url = `${base}/api/v1/movies?${param}=${text}`;
        const first = await fetch(url);
        expect(first.status, `${param}=${text}`).toBe(200);
        const etag = first.headers.get('etag') ?? '';
        expect(etag).toMatch(HEADER_SAFE);
        expect(etag).toMatch(/^"[^"]+"$/);
        const again = await fetch(url);
        expect(again.status, `${param}=${text} again`).toBe(200);
        expect(again.headers.get('etag')).toBe(etag);
        const notModified = await fetch(url, { headers: { 'If-None-Match': etag } });
        expect(notModified.status).toBe(304);
      }
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    });
  }

  it('gives different searches different ETags, and keeps plain ones readable', () => {
    expect(etagOf('m1', 'movies:toy:::1:20')).toBe('"m1:movies:toy:::1:20"');
    const a = etagOf('m1', 'movies:Schindler’s:::1:20');
    const b = etagOf('m1', 'movies:Schindler’t:::1:20');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^"m1:#[A-Za-z0-9_-]{22}"$/);
    expect(etagOf('m1', 'movies:a b:::1:20')).not.toBe(etagOf('m1', 'movies:a\u00a0b:::1:20'));
  });
});

describe('the request listener guard', () => {
  const logger = createLogger('guard-test', 'silent');

  it('answers 500 with the error shape when the listener throws, and the server keeps serving', async () => {
    let calls = 0;
    const listener = guardListener((_req, res) => {
      calls++;
      if (calls === 1) {
        res.setHeader('X-Partial', 'set before the throw');
        throw new Error('boom');
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('fine');
    }, logger);
    const server = createServer(listener);
    const first = await request(server).get('/x').expect(500);
    expect(first.body).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error.' } });
    expect(first.headers['x-partial']).toBeUndefined();
    expect((await request(server).get('/x').expect(200)).text).toBe('fine');
  });

  it('drops the connection when the answer had already started', async () => {
    const server = createServer(
      guardListener((_req, res) => {
        res.writeHead(200, { 'Content-Length': '100' });
        res.write('half');
        throw new Error('boom mid-answer');
      }, logger),
    );
    await expect(request(server).get('/x')).rejects.toThrow();
  });
});

describe('upload form limits refuse the upload, never drop input', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const uData = Buffer.from('1\t3\t5\t881250949\n');
  const post = (harness: Harness) => request(harness.app).post('/api/v1/datasets').set('X-API-Key', KEY);
  const nothingStaged = async (harness: Harness) => expect(await harness.redis.keys(`${harness.prefix}:{u:*`)).toEqual([]);

  it('answers 413 naming the field limit for 20 padding fields, then mode=append, then a file', async () => {
    h = await startHarness();
    let req = post(h);
    for (let i = 0; i < 20; i++) req = req.field(`pad${i}`, 'x');
    const res = await req.field('mode', 'append').attach('files', uData, 'u.data');
    expect([400, 413]).toContain(res.status);
    expect(res.body.error.message).toMatch(/pad0|fields: at most 20/);
    await nothingStaged(h);
  });

  it('answers 413 naming the field when a value is longer than 1 KB, instead of cutting it', async () => {
    h = await startHarness();
    const res = await post(h).field('maxErrors', `${'0'.repeat(1100)}1`).attach('files', uData, 'u.data').expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.error.message).toContain('"maxErrors": form field values are at most 1024 bytes');
    await nothingStaged(h);
  });

  it('answers 400 for a field sent twice (mode=replace then mode=append)', async () => {
    h = await startHarness();
    const res = await post(h).field('mode', 'replace').field('mode', 'append').attach('files', uData, 'u.data').expect(400);
    expect(res.body.error.message).toContain('"mode": the field is sent twice');
    await nothingStaged(h);
  });

  it('answers 400 for an unknown field such as a misspelt maxerrors', async () => {
    h = await startHarness();
    const res = await post(h).field('maxerrors', '5').attach('files', uData, 'u.data').expect(400);
    expect(res.body.error.message).toContain('"maxerrors": unknown form field');
    await nothingStaged(h);
  });

  it('answers 400 for a file part with bytes but no file name', async () => {
    h = await startHarness();
    const boundary = 'XyZ123';
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n1\t3\t5\t881250949\n\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="u.data"\r\n\r\n1\t3\t5\t881250949\n\r\n--${boundary}--\r\n`,
    );
    const res = await post(h).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body).expect(400);
    expect(res.body.error.message).toContain('no file name');
    await nothingStaged(h);
  });
});

describe('the admin sign-in redirect stays on this site', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('never answers a Location to another host for a path that climbs out of the mount', async () => {
    h = await startHarness();
    const res = await request(h.handler).get(`/admin/queues/%2e%2e/%2e%2e//evil.example/x?key=${KEY}`).expect(303);
    expect(res.headers.location).toBe('/admin/queues');
  });

  it('maps every escape to a path under the mount', () => {
    const mount = '/admin/queues';
    const cases: [string, string][] = [
      ['/admin/queues/%2e%2e/%2e%2e//evil.example/x?key=k', '/admin/queues'],
      ['/admin/queues/..\\..\\\\evil.example/x?key=k', '/admin/queues'],
      ['/admin/queues//evil.example?key=k', '/admin/queues/evil.example'],
      ['/admin/queues/%2F%2Fevil.example?key=k', '/admin/queues/%2F%2Fevil.example'],
      ['/admin/queues/queue/ingest?status=failed&key=k', '/admin/queues/queue/ingest?status=failed'],
      ['/admin/queuesX/evil?key=k', '/admin/queues'],
    ];
    for (const [url, expected] of cases) {
      const location = signedInLocation(url, mount);
      expect(location, url).toBe(expected);
      expect(location.startsWith('//') || location.startsWith('/\\')).toBe(false);
      expect(new URL(location, 'http://api.local').host).toBe('api.local');
    }
  });
});

describe('job details are for the key holder', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('shows anonymous callers states without upload names, hashes or data; the key holder sees all; a wrong key is refused', async () => {
    h = await startHarness();
    const ok = await request(h.app).post('/api/v1/datasets').set('X-API-Key', KEY).attach('files', Buffer.from('1\t3\t5\t881250949\n'), 'secret-name-u.data').expect(202);

    for (const path of ['/api/v1/jobs', `/api/v1/jobs/${ok.body.jobId}`]) {
      const anonymous = await request(h.app).get(path).expect(200);
      const text = JSON.stringify(anonymous.body);
      expect(text).not.toContain(ok.body.uploadId);
      expect(text).not.toContain('secret-name');
      const job = path === '/api/v1/jobs' ? anonymous.body.jobs[0] : anonymous.body;
      expect(job).toMatchObject({ id: ok.body.jobId, redacted: true, data: null, result: null });
      expect(typeof job.state).toBe('string');

      const holder = await request(h.app).get(path).set('X-API-Key', KEY).expect(200);
      expect(JSON.stringify(holder.body)).toContain(ok.body.uploadId);
      await request(h.app).get(path).set('X-API-Key', 'wrong-key-0123456789').expect(403);
    }
  });
});

describe('source maps', () => {
  it('are not served unless asked for (WEB_SOURCE_MAPS), under any spelling of the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'api-web-maps-'));
    let h: Harness | undefined;
    try {
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>MovieLens</title>');
      writeFileSync(join(dir, 'app.js'), 'console.log(1);\n//# sourceMappingURL=app.js.map\n');
      writeFileSync(join(dir, 'app.js.map'), '{"version":3,"sources":["secret.ts"]}');
      h = await startHarness({ settings: { webDir: dir } });
      await request(h.app).get('/app.js').expect(200);
      for (const path of ['/app.js.map', '/app.js.ma%70', '/APP.JS.MAP', '/app.js.map?x=1']) {
        const res = await request(h.app).get(path);
        expect(res.status, path).toBe(404);
        expect(res.text).not.toContain('secret.ts');
      }
      await h.close();
      h = await startHarness({ settings: { webDir: dir, serveSourceMaps: true } });
      expect((await request(h.app).get('/app.js.map').expect(200)).text).toContain('secret.ts');
    } finally {
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Writes `raw` to a fresh connection and resolves with everything the server sent before closing. */
function rawExchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('requests the HTTP parser refuses', () => {
  it('answer 400 or 431 with the error shape, not an empty reply', async () => {
    const server = createServer((_req, res) => res.end('never'));
    answerClientErrors(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const bad = await rawExchange(port, 'GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(bad).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4)).error.code).toBe('BAD_REQUEST');
      const huge = await rawExchange(port, `GET /?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(huge).toMatch(/^HTTP\/1\.1 431 /);
      expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4)).error.code).toBe('HEADERS_TOO_LARGE');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
