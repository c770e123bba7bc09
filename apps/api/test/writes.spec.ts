import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadStore } from '@movielens/store';
import { buildZip, testRedisUrl } from '@movielens/test-support';
import { buildModel, eventually, seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

const KEY = 'test-key-0123456789';
const uData = Buffer.from('1\t3\t5\t881250949\n2\t6\t3\t891717742\n');
const uItem = Buffer.from('3|Three (1995)|01-Jan-1995||http://x|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Bytes staged in Redis for one uploaded file, reassembled. */
async function stagedBytes(harness: Harness, uploadId: string, name: string): Promise<Buffer> {
  const uploads = new UploadStore(harness.redis, harness.keys);
  const manifest = await uploads.manifest(uploadId);
  const file = manifest!.files.find((f) => f.name === name)!;
  const parts: Buffer[] = [];
  for await (const chunk of uploads.readFile(uploadId, file)) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Runs `body` against the harness's app listening on a free local port. */
async function withListeningApp(harness: Harness, body: (port: number) => Promise<void>): Promise<void> {
  const server = harness.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    await body((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/**
 * Starts a chunked multipart upload (boundary `b0`) with `firstPart` and never ends it: the
 * answer and the socket's close are promises, so a test sees whether the server answered
 * before the body ended.
 */
function openUpload(port: number, firstPart: string) {
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/datasets', headers: { 'Content-Type': 'multipart/form-data; boundary=b0', 'X-API-Key': KEY } });
  const closed = new Promise<void>((resolve) => req.once('close', () => resolve()));
  req.on('error', () => undefined);
  const answered = new Promise<{ status: number; body: string }>((resolve) => {
    req.once('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
  req.write(firstPart);
  return { req, answered, closed };
}

describe('API key', () => {
  it('answers 401 without a key, 403 with a wrong one, 202 with X-API-Key or Bearer', async () => {
    h = await startHarness();
    const noKey = await request(h.app).post('/api/v1/models/rebuild').send({}).expect(401);
    expect(noKey.body.error.code).toBe('UNAUTHORIZED');
    const wrong = await request(h.app).post('/api/v1/models/rebuild').set('X-API-Key', 'wrong-key-0123456789').send({}).expect(403);
    expect(wrong.body.error.code).toBe('FORBIDDEN');
    const ok = await request(h.app).post('/api/v1/models/rebuild').set('X-API-Key', KEY).send({ params: { k: 7 } }).expect(202);
    expect(ok.body.jobId).toMatch(/^rebuild:/);
    // The job carries only the values named (no defaults: they would override the tuned ones).
    const queued = await h.deps.queues.rebuild.getJob(ok.body.jobId.split(':')[1]);
    expect(queued?.data.params).toEqual({ k: 7 });
    await request(h.app).post('/api/v1/models/rebuild').set('Authorization', `Bearer ${KEY}`).send({}).expect(202);
  });

  it('refuses every write with 403 and says why when no API_KEY is configured', async () => {
    h = await startHarness({ settings: { apiKey: undefined } });
    const res = await request(h.app).post('/api/v1/models/rebuild').set('X-API-Key', KEY).send({}).expect(403);
    expect(res.body.error.message).toMatch(/no API_KEY configured/);
    await request(h.app).post('/api/v1/datasets').set('X-API-Key', KEY).attach('files', uData, 'u.data').expect(403);
    await request(h.app).get('/admin/queues').set('X-API-Key', KEY).expect(403);
  });

  it('guards the queue dashboard', async () => {
    h = await startHarness();
    await request(h.app).get('/admin/queues').expect(401);
    const page = await request(h.app).get('/admin/queues').set('X-API-Key', KEY).expect(200);
    expect(page.text).toMatch(/<html/i);
  });

  it('rate-limits writes with 429', async () => {
    h = await startHarness({ settings: { writeRateLimit: 2 } });
    for (let i = 0; i < 2; i++) await request(h.app).post('/api/v1/models/rebuild').set('X-API-Key', KEY).send({}).expect(202);
    const res = await request(h.app).post('/api/v1/models/rebuild').set('X-API-Key', KEY).send({}).expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
  });

  it('validates rebuild parameters', async () => {
    h = await startHarness();
    const res = await request(h.app).post('/api/v1/models/rebuild').set('X-API-Key', KEY).send({ params: { k: 0 } }).expect(400);
    expect(res.body.error.message).toContain('body.params.k');
    await request(h.app).post('/api/v1/models/rebuild').set('X-API-Key', KEY).send({ params: { bogus: 1 } }).expect(400);
  });
});

describe('POST /datasets', () => {
  it('streams files into Redis and enqueues an ingest job', async () => {
    h = await startHarness();
    const res = await request(h.app)
      .post('/api/v1/datasets')
      .set('X-API-Key', KEY)
      .field('mode', 'append')
      .field('maxErrors', '5')
      .attach('files', uData, 'u.data')
      .attach('files', uItem, 'u.item')
      .expect(202);
    expect(res.body.jobId).toMatch(/^ingest:\d+$/);
    expect(res.body.files).toEqual(['u.data', 'u.item']);
    const job = await h.deps.queues.ingest.getJob(res.body.jobId.split(':')[1]);
    expect(job!.data).toEqual({ uploadId: res.body.uploadId, mode: 'append', maxErrors: 5 });
    expect(await stagedBytes(h, res.body.uploadId, 'u.data')).toEqual(uData);
    const status = await request(h.app).get(`/api/v1/jobs/${res.body.jobId}`).set('X-API-Key', KEY).expect(200);
    expect(status.body).toMatchObject({ id: res.body.jobId, queue: 'ingest', state: 'waiting', data: { uploadId: res.body.uploadId } });
    const list = await request(h.app).get('/api/v1/jobs').set('X-API-Key', KEY).expect(200);
    expect(list.body.jobs.map((j: { id: string }) => j.id)).toContain(res.body.jobId);
  });

  it('stages only the release files of a zip, entry by entry', async () => {
    h = await startHarness();
    const zip = buildZip([
      { name: 'ml-100k/README', data: Buffer.from('readme') },
      { name: 'ml-100k/u.data', data: uData },
      { name: 'ml-100k/u1.base', data: uData },
      { name: 'ml-100k/u.item', data: uItem },
    ]);
    const res = await request(h.app).post('/api/v1/datasets').set('X-API-Key', KEY).attach('files', zip, 'ml-100k.zip').expect(202);
    expect(res.body.files).toEqual(['u.data', 'u.item']);
    expect(res.body.skipped).toEqual(['ml-100k/README', 'ml-100k/u1.base']);
    const staged = await stagedBytes(h, res.body.uploadId, 'u.item');
    expect(createHash('sha256').update(staged).digest('hex')).toBe(createHash('sha256').update(uItem).digest('hex'));
  });

  it('answers 400 for a corrupt zip, and deletes what was staged', async () => {
    h = await startHarness();
    const res = await request(h.app).post('/api/v1/datasets').set('X-API-Key', KEY).attach('files', Buffer.from('PK not really'), 'x.zip').expect(400);
    expect(res.body.error.message).toMatch(/x\.zip: not a readable zip/);
    expect(await h.redis.keys(`${h.prefix}:{u:*`)).toEqual([]);
  });

  it('answers 413 with the limit when the files exceed the upload limit', async () => {
    h = await startHarness({ settings: { uploadLimitBytes: 100 } });
    const big = Buffer.alloc(5000, 0x31);
    const res = await request(h.app).post('/api/v1/datasets').set('X-API-Key', KEY).attach('files', big, 'u.data').expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.error.message).toMatch(/limit/);
    expect(await h.redis.keys(`${h.prefix}:{u:*`)).toEqual([]);
  });

  it('answers 413 mid-stream when the declared length is unknown', async () => {
    h = await startHarness({ settings: { uploadLimitBytes: 64 * 1024 } });
    // Content-Length says little, so the limit is enforced on the streamed bytes (over the 64 KiB slack).
    const res = await request(h.app).post('/api/v1/datasets').set('X-API-Key', KEY).attach('files', Buffer.alloc(100 * 1024, 0x31), 'u.data');
    expect(res.status).toBe(413);
  });

  it('answers 413 while the client is still sending, then drops the connection after a short linger', async () => {
    h = await startHarness({ settings: { uploadLimitBytes: 64 * 1024 } });
    await withListeningApp(h, async (port) => {
      // A chunked upload (no Content-Length) that passes the limit and then never ends.
      const upload = openUpload(port, `--b0\r\nContent-Disposition: form-data; name="files"; filename="u.data"\r\n\r\n${'1\t3\t5\t881250949\n'.repeat(10_000)}`);
      const res = await upload.answered;
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(upload.req.writableEnded).toBe(false); // answered before the body ended
      // The server stops reading after the linger: the socket closes though the client never ended.
      await upload.closed;
      await eventually(async () => (await h!.redis.keys(`${h!.prefix}:{u:*`)).length === 0);
    });
  });

  it('answers 400 for a bad mode sent before the files, without waiting for them', async () => {
    h = await startHarness();
    await withListeningApp(h, async (port) => {
      const upload = openUpload(port, `--b0\r\nContent-Disposition: form-data; name="mode"\r\n\r\nmerge\r\n--b0\r\nContent-Disposition: form-data; name="files"; filename="u.data"\r\n\r\n1\t3\t5\t881250949\n`);
      const res = await upload.answered;
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error.message).toMatch(/^mode: /);
      expect(upload.req.writableEnded).toBe(false);
      await upload.closed;
      await eventually(async () => (await h!.redis.keys(`${h!.prefix}:{u:*`)).length === 0);
    });
  });

  it('undoes the staging when the client goes away mid-upload', async () => {
    h = await startHarness({ settings: { uploadLimitBytes: 64 * 2 ** 20 } });
    const server = h.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/datasets', headers: { 'Content-Type': 'multipart/form-data; boundary=b0', 'X-API-Key': KEY } });
      req.on('error', () => undefined);
      req.write(`--b0\r\nContent-Disposition: form-data; name="files"; filename="u.data"\r\n\r\n${'1\t3\t5\t881250949\n'.repeat(200_000)}`);
      await eventually(async () => (await h!.redis.keys(`${h!.prefix}:{u:*:file:*`)).length > 0);
      req.destroy();
      await eventually(async () => (await h!.redis.keys(`${h!.prefix}:{u:*`)).length === 0);
    } finally {
      server.close();
    }
  });

  it.each([
    ['mode', 'merge', /mode/],
    ['maxErrors', '-1', /maxErrors/],
  ])('answers 400 for %s=%s', async (field, value, reason) => {
    h = await startHarness();
    const res = await request(h.app).post('/api/v1/datasets').set('X-API-Key', KEY).field(field, value).attach('files', uData, 'u.data').expect(400);
    expect(res.body.error.message).toMatch(reason);
  });

  it('answers 400 without files and 415 for a JSON body', async () => {
    h = await startHarness();
    const none = await request(h.app).post('/api/v1/datasets').set('X-API-Key', KEY).field('mode', 'replace').expect(400);
    expect(none.body.error.message).toMatch(/no file/);
    await request(h.app).post('/api/v1/datasets').set('X-API-Key', KEY).send({ files: [] }).expect(415);
  });
});

describe('jobs', () => {
  it('answers 400 for an unqualified id and 404 for an unknown job', async () => {
    h = await startHarness();
    expect((await request(h.app).get('/api/v1/jobs/12').expect(400)).body.error.message).toContain('params.id');
    await request(h.app).get('/api/v1/jobs/ingest:999').expect(404);
  });
});

describe('models', () => {
  it('lists versions and rolls back to an earlier one', async () => {
    h = await startHarness();
    await seedDataset(h.redis, h.keys, 'd1', syntheticDataset());
    // mf off: each build publishes its svd (and the first its analytics); the second build changes only svd.
    // Selection off: its follow-up rebuild would publish more sets after the first build.
    const first = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, mf: false, selection: false });
    const second = await buildModel(testRedisUrl(), h.prefix, { k: 5, topK: 10, recsN: 10, mf: false, selection: false });
    const list = await request(h.app).get('/api/v1/models').expect(200);
    expect(list.body.current).toBe(second);
    // Newest first: the second build's one set, then the first build's served set.
    expect(list.body.versions.map((v: { version: string }) => v.version).slice(0, 2)).toEqual([second, first]);
    expect(list.body.versions[1].params.k).toBe(4);
    expect(list.body.versions[0].kinds.svd.version).not.toBe(list.body.versions[1].kinds.svd.version);
    expect(list.body.versions[0].kinds.analytics.version).toBe(list.body.versions[1].kinds.analytics.version);

    expect((await request(h.app).get('/api/v1/movies/3/similar').expect(200)).headers['x-model-version']).toBe(second);
    await request(h.app).post(`/api/v1/models/${first}/activate`).set('X-API-Key', KEY).expect(200);
    const after = await request(h.app).get('/api/v1/movies/3/similar').expect(200);
    expect(after.headers['x-model-version']).toBe(first);
    expect(after.body.model).toBe(first);
  });

  it('answers 404 for activating an unknown version', async () => {
    h = await startHarness();
    await request(h.app).post('/api/v1/models/m123-none/activate').set('X-API-Key', KEY).expect(404);
  });
});
