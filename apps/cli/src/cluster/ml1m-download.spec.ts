import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildZip } from '@movielens/test-support';
import { extractMl1m } from './ml1m-download';

const dir = mkdtempSync(join(tmpdir(), 'ml1m-extract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('extractMl1m', () => {
  it('writes the three data files of the release zip by base name and nothing else', async () => {
    const zip = join(dir, 'ml-1m.zip');
    const ratings = Buffer.from('1::1193::5::978300760\n');
    writeFileSync(
      zip,
      buildZip(
        [
          { name: 'ml-1m/', data: Buffer.alloc(0) },
          { name: 'ml-1m/README', data: Buffer.from('readme') },
          { name: 'ml-1m/movies.dat', data: Buffer.from('1::Toy Story (1995)::Animation\n') },
          { name: 'ml-1m/ratings.dat', data: ratings },
          { name: 'ml-1m/users.dat', data: Buffer.from('1::F::1::10::48067\n') },
        ],
        { deflate: true },
      ),
    );
    const out = join(dir, 'out');
    mkdirSync(out);
    await extractMl1m(zip, out);
    expect(readdirSync(out).sort()).toEqual(['movies.dat', 'ratings.dat', 'users.dat']);
    expect(readFileSync(join(out, 'ratings.dat'))).toEqual(ratings);
  });

  it('refuses a damaged entry with the release-zip reader message and leaves no file behind', async () => {
    const zip = join(dir, 'bad.zip');
    writeFileSync(zip, buildZip([{ name: 'ml-1m/ratings.dat', data: Buffer.from('1::1193::5::978300760\n'), crc32: 1 }], { deflate: true }));
    const out = join(dir, 'bad');
    mkdirSync(out);
    await expect(extractMl1m(zip, out)).rejects.toThrow('ml-1m.zip:ml-1m/ratings.dat: the unpacked bytes fail their CRC-32 check; the zip is damaged');
    expect(readdirSync(out)).toEqual([]);
  });
});

