import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '@movielens/core';
import { buildZip, type TestZipEntry } from '@movielens/test-support';
import { StagedNames } from './release-files';
import { readReleaseZip, type ZipEntryToStage } from './release-zip.reader';
import { ZipError } from './zip-error';

// The reader's contract; the HTTP answers for each kind of broken zip are tested in apps/api/test/uploads.spec.ts.
const dir = mkdtempSync(join(tmpdir(), 'release-zip-spec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let zips = 0;

function zipFile(entries: TestZipEntry[], options?: Parameters<typeof buildZip>[1]): string {
  const path = join(dir, `${zips++}.zip`);
  writeFileSync(path, buildZip(entries, options));
  return path;
}

async function readAll(bytes: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of bytes) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const text = (s: string) => Buffer.from(s);

describe('readReleaseZip', () => {
  it('hands over the release files by base name, in zip order, and lists every other file as skipped', async () => {
    const path = zipFile(
      [
        { name: 'ml-100k/', data: Buffer.alloc(0) },
        { name: 'ml-100k/README', data: text('readme') },
        { name: 'ml-100k/u.data', data: text('1\t1\t5\t1\n'.repeat(500)) },
        { name: 'ml-100k/u1.base', data: text('1\t1\t5\t1\n') },
        { name: '__MACOSX/ml-100k/u.item', data: text('resource fork') },
        { name: 'ml-100k/U.ITEM', data: text('1|A (1995)|\n') },
      ],
      { deflate: true },
    );
    const seen: { entry: ZipEntryToStage; bytes: string }[] = [];
    const result = await readReleaseZip(path, 'ml-100k.zip', async (entry, bytes) => seen.push({ entry, bytes: (await readAll(bytes)).toString() }));
    expect(result).toEqual({ staged: ['u.data', 'U.ITEM'], skipped: ['ml-100k/README', 'ml-100k/u1.base', '__MACOSX/ml-100k/u.item'] });
    expect(seen.map((s) => s.entry)).toEqual([
      { name: 'u.data', path: 'ml-100k/u.data', declaredBytes: 4000, packedBytes: expect.any(Number) },
      { name: 'U.ITEM', path: 'ml-100k/U.ITEM', declaredBytes: 12, packedBytes: expect.any(Number) },
    ]);
    expect(seen[0].entry.packedBytes).toBeLessThan(100); // deflated: what the entry costs of the zip, not its unpacked size
    expect(seen[1].bytes).toBe('1|A (1995)|\n');
  });

  it('passes an error of the stage callback through unchanged and stops at that entry', async () => {
    const path = zipFile([
      { name: 'u.data', data: text('1\t1\t5\t1\n') },
      { name: 'u.item', data: text('1|A (1995)|\n') },
    ]);
    const refused = new Error('no room');
    const names: string[] = [];
    const read = readReleaseZip(path, 'ml.zip', async (entry) => {
      names.push(entry.name);
      throw refused;
    });
    await expect(read).rejects.toBe(refused);
    expect(names).toEqual(['u.data']);
  });

  it('refuses a broken entry with a ZipError (bad input) naming zip, entry and problem, before the stage callback reads a byte too many', async () => {
    const path = zipFile([{ name: 'ml/u.data', data: Buffer.alloc(2 ** 20, 0x31), declaredBytes: 10 }], { deflate: true });
    let received = 0;
    const err = await readReleaseZip(path, 'bomb.zip', async (_entry, bytes) => {
      for await (const part of bytes) received += (part as Buffer).length;
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZipError);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ problem: 'size-mismatch', code: 'BAD_INPUT', message: expect.stringMatching(/^bomb\.zip:ml\/u\.data: unpacks to more than the 10 bytes/) });
    expect(received).toBeLessThanOrEqual(10);
  });

  it('refuses a zip of more than 1000 entries as too-many-entries before reading any', async () => {
    const path = zipFile(Array.from({ length: 1001 }, (_, i) => ({ name: `junk/${i}`, data: Buffer.alloc(0) })));
    await expect(readReleaseZip(path, 'many.zip', async () => undefined)).rejects.toMatchObject({ problem: 'too-many-entries', message: 'many.zip: 1001 entries; a release zip may hold at most 1000.' });
  });
});

describe('StagedNames', () => {
  it('refuses a second file staged under a name already claimed, in any case, naming both sources', () => {
    const names = new StagedNames();
    names.claim('u.data', 'ml.zip:a/u.data');
    names.claim('u.item', 'u.item');
    expect(() => names.claim('U.DATA', 'u.data')).toThrow(new InputError('files: both ml.zip:a/u.data and u.data would be staged as U.DATA; upload one file of each kind.'));
  });
});
