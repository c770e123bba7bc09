import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './fixtures';
import { storedZip } from './zip';

/**
 * Uploads that must be refused before they cost Redis memory or disk: zip bombs, duplicate
 * names, too many files or entries, broken bodies. Each refusal must leave no upload key in
 * Redis and nothing in the spool directory.
 */

const KEY = 'test-key-0123456789';
const uData = Buffer.from('1\t3\t5\t881250949\n2\t6\t3\t891717742\n');
const uItem = Buffer.from('3|Three (1995)|01-Jan-1995||http://x|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n');

let h: Harness | undefined;
let spool: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (spool !== undefined) await rm(spool, { recursive: true, force: true });
  spool = undefined;
});

/** A harness whose zips are spooled into a fresh directory, so a test can see what is left there. */
async function harness(uploadLimitBytes = 2 ** 20): Promise<Harness> {
  spool = await mkdtemp(join(tmpdir(), 'api-upload-spec-'));
  h = await startHarness({ settings: { uploadLimitBytes, tmpDir: spool } });
  return h;
}

/** Asserts that nothing of any upload is left: no upload key in Redis, no spooled file. */
async function expectNothingLeft(harness: Harness): Promise<void> {
  expect(await harness.redis.keys(`${harness.prefix}:{u:*`)).toEqual([]);
  expect(await readdir(spool!)).toEqual([]);
}

function post(harness: Harness): request.Test {
  return request(harness.app).post('/api/v1/datasets').set('X-API-Key', KEY);
}

describe('POST /datasets refuses what would unpack past the limit', () => {
  it('answers 413 naming the entry of a small zip that unpacks to more than the upload limit', async () => {
    const app = await harness(64 * 1024);
    // 4 MiB of one byte deflates to ~4 KB: well under the limit on the wire, 64x over it unpacked.
    const bomb = storedZip([{ name: 'ml/u.data', data: Buffer.alloc(4 * 2 ** 20, 0x31) }], { deflate: true });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await post(app).attach('files', bomb, 'bomb.zip').expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.error.message).toContain('bomb.zip:ml/u.data');
    expect(res.body.error.message).toMatch(/unpacks to more than/);
    await expectNothingLeft(app);
  });

  it('counts every staged file: deletes the entries already staged when a later one passes the limit', async () => {
    const app = await harness(64 * 1024);
    const zip = storedZip(
      [
        { name: 'ml/u.data', data: Buffer.alloc(40 * 1024, 0x31) },
        { name: 'ml/u.item', data: Buffer.alloc(40 * 1024, 0x32) },
      ],
      { deflate: true },
    );
    const res = await post(app).attach('files', zip, 'two.zip').expect(413);
    expect(res.body.error.message).toContain('two.zip:ml/u.item');
    await expectNothingLeft(app);
  });

  it('answers 413 for a zip listing more entries than a release ever has', async () => {
    const app = await harness();
    const many = storedZip(Array.from({ length: 1001 }, (_, i) => ({ name: `junk/${i}`, data: Buffer.alloc(0) })));
    const res = await post(app).attach('files', many, 'many.zip').expect(413);
    expect(res.body.error.message).toMatch(/many\.zip: 1001 entries; .* at most 1000/);
    await expectNothingLeft(app);
  });
});

describe('POST /datasets refuses two files staged under one name', () => {
  it('answers 400 naming both zip entries', async () => {
    const app = await harness();
    const zip = storedZip([
      { name: 'a/u.data', data: uData },
      { name: 'b/u.data', data: uData },
    ]);
    const res = await post(app).attach('files', zip, 'ml.zip').expect(400);
    expect(res.body.error.message).toContain('ml.zip:a/u.data');
    expect(res.body.error.message).toContain('ml.zip:b/u.data');
    await expectNothingLeft(app);
  });

  it('answers 400 naming a plain file and the zip entry of the same name', async () => {
    const app = await harness();
    const res = await post(app).attach('files', uData, 'u.data').attach('files', storedZip([{ name: 'ml/U.DATA', data: uData }]), 'ml.zip').expect(400);
    expect(res.body.error.message).toMatch(/both u\.data and ml\.zip:ml\/U\.DATA/);
    await expectNothingLeft(app);
  });
});

describe('POST /datasets with several files', () => {
  it('stages the entries of two zips of one upload (each spooled under its own name)', async () => {
    const app = await harness();
    // The first zip is big enough to still be unpacking when the second one arrives.
    const big = Buffer.from('1\t3\t5\t881250949\n'.repeat(40_000));
    const res = await post(app)
      .attach('files', storedZip([{ name: 'a/u.data', data: big }]), 'a.zip')
      .attach('files', storedZip([{ name: 'b/u.item', data: uItem }]), 'b.zip')
      .expect(202);
    expect([...res.body.files].sort()).toEqual(['u.data', 'u.item']);
    expect(await readdir(spool!)).toEqual([]);
  });

  it('stages a zip and a plain file together', async () => {
    const app = await harness();
    const res = await post(app).attach('files', storedZip([{ name: 'ml/u.data', data: uData }]), 'ml.zip').attach('files', uItem, 'u.item').expect(202);
    expect([...res.body.files].sort()).toEqual(['u.data', 'u.item']);
  });

  it('answers 400 for more than 20 files, and stages none of them', async () => {
    const app = await harness();
    let req = post(app);
    for (let i = 0; i < 21; i++) req = req.attach('files', uData, `r${i}.data`);
    const res = await req.expect(400);
    expect(res.body.error.message).toBe('files: at most 20 files per upload.');
    await expectNothingLeft(app);
  });

  it('answers 400 for a multipart body cut off inside a file', async () => {
    const app = await harness();
    const res = await post(app)
      .set('Content-Type', 'multipart/form-data; boundary=b0')
      .send('--b0\r\nContent-Disposition: form-data; name="files"; filename="u.data"\r\n\r\n1\t3\t5\t881250949\n')
      .expect(400);
    expect(res.body.error.message).toMatch(/^Malformed multipart body/);
    await expectNothingLeft(app);
  });
});
