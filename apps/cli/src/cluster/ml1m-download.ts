import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readReleaseZip } from '@movielens/store';

/** Where GroupLens publishes MovieLens 1M. */
export const ML1M_URL = 'https://files.grouplens.org/datasets/movielens/ml-1m.zip';

/**
 * Checksums of the three ML-1M data files. movies.dat and users.dat: sha256 of the
 * official files; ratings.dat: its git blob id (sha1 of `blob <size>\0<bytes>`), on which
 * three independent public repositories that hold the official file agree.
 */
const EXPECTED = {
  'movies.dat': { algo: 'sha256', digest: '0140fc2356357c1a851d0f52e893a1e4d3696df632c4141cea8d5bc3d621f0b9' },
  'users.dat': { algo: 'sha256', digest: '1dc3a95300cb19f7c10e027daf29b8cdf1d908dab65b5edfb45950aa389a10a3' },
  'ratings.dat': { algo: 'git-blob', digest: '77a7c4b150f588c23bb9e1f068aa996c0b413695' },
} as const;

type DataFile = keyof typeof EXPECTED;

/** Digest of a file in the way {@link EXPECTED} states it. */
function digestOf(path: string, algo: 'sha256' | 'git-blob'): string {
  const bytes = readFileSync(path);
  if (algo === 'sha256') return createHash('sha256').update(bytes).digest('hex');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** True when `dir` holds the three ML-1M files with the expected checksums. */
export function isVerifiedMl1m(dir: string): boolean {
  return (Object.keys(EXPECTED) as DataFile[]).every((name) => {
    const path = join(dir, name);
    return existsSync(path) && statSync(path).isFile() && digestOf(path, EXPECTED[name].algo) === EXPECTED[name].digest;
  });
}

/**
 * Downloads ML-1M into `dir` (reusing a verified copy), extracts the three data files and
 * verifies them. Throws when offline, on a timeout, or on a checksum mismatch; the caller
 * falls back to synthetic data. Nothing half-downloaded is left as if it were complete.
 * @param timeoutMs - overall timeout of the download; default 120000
 */
export async function downloadMl1m(dir: string, timeoutMs = 120_000): Promise<string> {
  if (isVerifiedMl1m(dir)) return dir;
  mkdirSync(dir, { recursive: true });
  const zipPath = join(dir, 'ml-1m.zip.part');
  const response = await fetch(ML1M_URL, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok || response.body === null) throw new Error(`download of ${ML1M_URL} failed: HTTP ${response.status}`);
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(zipPath));
  try {
    await extractMl1m(zipPath, dir);
  } finally {
    rmSync(zipPath, { force: true });
  }
  for (const name of Object.keys(EXPECTED) as DataFile[]) {
    const actual = digestOf(join(dir, name), EXPECTED[name].algo);
    if (actual !== EXPECTED[name].digest) {
      rmSync(join(dir, name), { force: true });
      throw new Error(`${name} from ${ML1M_URL} does not match its published checksum (${actual})`);
    }
  }
  return dir;
}

/**
 * Extracts the `ml-1m/<file>.dat` entries of the zip into `dir` (write to .part, then rename),
 * through the release-zip reader `movielens ingest` and the API use, which checks each entry's
 * size and CRC-32 as it goes.
 */
export async function extractMl1m(zipPath: string, dir: string): Promise<void> {
  await readReleaseZip(zipPath, 'ml-1m.zip', async (entry, bytes) => {
    if (!(entry.name in EXPECTED)) {
      bytes.destroy();
      return;
    }
    const part = join(dir, `${entry.name}.part`);
    try {
      await pipeline(bytes, createWriteStream(part));
    } catch (err) {
      rmSync(part, { force: true });
      throw err;
    }
    renameSync(part, join(dir, entry.name));
  });
}
