import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { Readable } from 'node:stream';

/**
 * Files taken from a MovieLens release zip, by base name (lower case). A release also holds
 * train/test splits (u1.base ... ub.test) that repeat u.data's ratings, READMEs, scripts,
 * links and tags: only the canonical ratings, movies and users files are staged.
 */
const RELEASE_FILES = new Set(['u.data', 'u.item', 'u.user', 'ratings.dat', 'movies.dat', 'users.dat', 'ratings.csv', 'movies.csv']);

/** What happened to each entry of a zip. */
export interface ZipStaging {
  /** Base names staged for ingest. */
  staged: string[];
  /** Entry names left out (not a ratings/movies/users file of a release). */
  skipped: string[];
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (err, zip) => (err ? reject(err) : resolve(zip))),
  );
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream))));
}

/**
 * Streams the release files of a zip on disk, one entry at a time (yauzl reads the central
 * directory at the end of the file, hence the spool to disk). Nothing is held in memory
 * beyond one stream buffer.
 * @param stage - consumes one entry's bytes; awaited before the next entry is opened
 * @throws Error when the file is not a valid zip
 */
export async function stageZipEntries(path: string, stage: (name: string, bytes: AsyncIterable<Uint8Array>) => Promise<unknown>): Promise<ZipStaging> {
  const zip = await openZip(path);
  const result: ZipStaging = { staged: [], skipped: [] };
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: Entry) => {
        const name = entry.fileName.split('/').pop() ?? '';
        const isDir = entry.fileName.endsWith('/');
        if (isDir || entry.fileName.includes('__MACOSX') || !RELEASE_FILES.has(name.toLowerCase())) {
          if (!isDir) result.skipped.push(entry.fileName);
          zip.readEntry();
          return;
        }
        openEntry(zip, entry)
          .then((stream) => stage(name, stream))
          .then(() => {
            result.staged.push(name);
            zip.readEntry();
          })
          .catch(reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return result;
}
