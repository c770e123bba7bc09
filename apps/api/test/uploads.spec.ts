import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './fixtures';
import { buildZip } from '@movielens/test-support';

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
    const bomb = buildZip([{ name: 'ml/u.data', data: Buffer.alloc(4 * 2 ** 20, 0x31) }], { deflate: true });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await post(app).attach('files', bomb, 'bomb.zip').expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.body.error.message).toContain('bomb.zip:ml/u.data');
    expect(res.body.error.message).toMatch(/unpacks to more than/);
    await expectNothingLeft(app);
  });

  it('counts every staged file: deletes the entries already staged when a later one passes the limit', async () => {
    const app = await harness(64 * 1024);
    const zip = buildZip(
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
    const many = buildZip(Array.from({ length: 1001 }, (_, i) => ({ name: `junk/${i}`, data: Buffer.alloc(0) })));
    const res = await post(app).attach('files', many, 'many.zip').expect(413);
    expect(res.body.error.message).toMatch(/many\.zip: 1001 entries; .* at most 1000/);
    await expectNothingLeft(app);
  });
});

/** A zip the API cannot take, and what its answer must say. */
interface ZipOddity {
  what: string;
  zip: () => Buffer;
  /** Expected start of the message: zip, entry and reason. */
  message: string | RegExp;
}

const release = (extra: Omit<Parameters<typeof buildZip>[0][number], 'name' | 'data'>) => buildZip([{ name: 'ml-100k/u.data', data: uData, ...extra }]);

const zipOddities: ZipOddity[] = [
  // The reported case: the encrypted flag with sizes that leave out the 12-byte encryption header.
  { what: 'an encrypted stored entry', zip: () => release({ flags: 0x1 }), message: 'ml.zip:ml-100k/u.data: the entry is encrypted; upload an unencrypted zip' },
  { what: 'an encrypted deflated entry', zip: () => release({ flags: 0x1, method: 8 }), message: 'ml.zip:ml-100k/u.data: the entry is encrypted; upload an unencrypted zip' },
  { what: 'an AES-encrypted entry (method 99)', zip: () => release({ flags: 0x1, method: 99 }), message: 'ml.zip:ml-100k/u.data: the entry is encrypted; upload an unencrypted zip' },
  { what: 'a bzip2 entry', zip: () => release({ method: 12 }), message: /^ml\.zip:ml-100k\/u\.data: compressed with method 12 \(bzip2\), which is not supported; / },
  { what: 'a stored entry whose packed and unpacked sizes differ', zip: () => release({ packedBytes: uData.length - 4 }), message: /^ml\.zip:ml-100k\/u\.data: a stored \(uncompressed\) entry declares 28 bytes packed but 32 unpacked; / },
  { what: 'an entry that unpacks to more than it declares', zip: () => buildZip([{ name: 'ml/u.data', data: Buffer.alloc(2 ** 20, 0x31), declaredBytes: 100 }], { deflate: true }), message: /^ml\.zip:ml\/u\.data: unpacks to more than the 100 bytes the zip declares for it \(a damaged zip or a zip bomb\)/ },
  { what: 'an entry that unpacks to fewer bytes than it declares', zip: () => release({ method: 8, declaredBytes: 1000 }), message: /^ml\.zip:ml-100k\/u\.data: unpacks to 32 bytes, but the zip declares 1000; / },
  { what: 'an entry that fails its CRC-32', zip: () => release({ crc32: 1234 }), message: /^ml\.zip:ml-100k\/u\.data: the unpacked bytes fail their CRC-32 check; / },
  {
    what: 'an entry whose deflate data is damaged',
    // The first byte of a deflate stream holds the block type; 0xff makes it the reserved type 3.
    zip: () => {
      const zip = release({ method: 8 });
      zip[30 + 'ml-100k/u.data'.length] = 0xff; // the first data byte: after the 30-byte local header and the name
      return zip;
    },
    message: /^ml\.zip:ml-100k\/u\.data: the compressed data is damaged \(invalid block type\); /,
  },
  { what: 'an entry whose name climbs out with ..', zip: () => buildZip([{ name: 'ml/../../u.data', data: uData }]), message: /^ml\.zip:ml\/\.\.\/\.\.\/u\.data: unsafe entry path \(absolute, or climbing out with \.\.\); / },
  { what: 'an entry with an absolute name', zip: () => buildZip([{ name: '/etc/u.data', data: uData }]), message: /^ml\.zip:\/etc\/u\.data: unsafe entry path/ },
  { what: 'a symbolic link named like a release file', zip: () => release({ unixMode: 0o120777 }), message: /^ml\.zip:ml-100k\/u\.data: a symbolic link, not a file; / },
  { what: 'the same entry listed twice', zip: () => buildZip([{ name: 'ml/u.data', data: uData }, { name: 'ml/u.data', data: uData }]), message: /^ml\.zip:ml\/u\.data: the zip lists this entry twice; / },
  { what: 'a zip holding only another zip', zip: () => buildZip([{ name: 'bundle/ml-100k.zip', data: release({}) }]), message: /^ml\.zip:bundle\/ml-100k\.zip: a zip inside the zip is not opened, and ml\.zip holds no MovieLens file of its own; upload ml-100k\.zip itself/ },
  { what: 'a zip cut short (its end record lost)', zip: () => release({}).subarray(0, 60), message: /^ml\.zip: not a readable zip archive: no end-of-central-directory record, so not a zip or a truncated one/ },
  { what: 'an entry whose data runs past the end of the zip', zip: () => release({ method: 8, packedBytes: 5000 }), message: /^ml\.zip:ml-100k\/u\.data: the entry's data runs past the end of the zip; it is truncated/ },
  { what: 'one part of a split (multi-disk) zip', zip: () => buildZip([{ name: 'ml/u.data', data: uData }], { diskNumber: 1 }), message: /^ml\.zip: not a readable zip archive: one part of a split \(multi-disk\) zip; / },
  { what: 'a split zip64 part', zip: () => buildZip([{ name: 'ml/u.data', data: uData }], { diskNumber: 2, zip64: true }), message: /^ml\.zip: not a readable zip archive: one part of a split \(multi-disk\) zip; / },
];

describe('POST /datasets names the zip, the entry and the reason for a zip it cannot take', () => {
  it.each(zipOddities)('answers 400 for $what', async ({ zip, message }) => {
    const app = await harness();
    const res = await post(app).attach('files', zip(), 'ml.zip').expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    if (typeof message === 'string') expect(res.body.error.message).toBe(message);
    else expect(res.body.error.message).toMatch(message);
    await expectNothingLeft(app);
  });

  it('stages a zip64 archive like any other', async () => {
    const app = await harness();
    const zip = buildZip([{ name: 'ml-100k/u.data', data: uData }, { name: 'ml-100k/u.item', data: uItem }], { zip64: true, deflate: true });
    const res = await post(app).attach('files', zip, 'ml.zip').expect(202);
    expect(res.body.files).toEqual(['u.data', 'u.item']);
  });

  it('skips a zip inside a zip that also holds release files', async () => {
    const app = await harness();
    const zip = buildZip([{ name: 'ml/u.data', data: uData }, { name: 'ml/old.zip', data: release({}) }]);
    const res = await post(app).attach('files', zip, 'ml.zip').expect(202);
    expect(res.body).toMatchObject({ files: ['u.data'], skipped: ['ml/old.zip'] });
  });

  it('stages entries of a zip written with backslash separators by their base name', async () => {
    const app = await harness();
    const res = await post(app).attach('files', buildZip([{ name: 'ml-100k\\u.data', data: uData }]), 'ml.zip').expect(202);
    expect(res.body.files).toEqual(['u.data']);
  });
});

describe('POST /datasets refuses two files staged under one name', () => {
  it('answers 400 naming both zip entries', async () => {
    const app = await harness();
    const zip = buildZip([
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
    const res = await post(app).attach('files', uData, 'u.data').attach('files', buildZip([{ name: 'ml/U.DATA', data: uData }]), 'ml.zip').expect(400);
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
      .attach('files', buildZip([{ name: 'a/u.data', data: big }]), 'a.zip')
      .attach('files', buildZip([{ name: 'b/u.item', data: uItem }]), 'b.zip')
      .expect(202);
    expect([...res.body.files].sort()).toEqual(['u.data', 'u.item']);
    expect(await readdir(spool!)).toEqual([]);
  });

  it('stages a zip and a plain file together', async () => {
    const app = await harness();
    const res = await post(app).attach('files', buildZip([{ name: 'ml/u.data', data: uData }]), 'ml.zip').attach('files', uItem, 'u.item').expect(202);
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
