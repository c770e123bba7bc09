import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { Readable } from 'node:stream';
import { HttpError } from '../middleware/errors';

/**
 * Files taken from a MovieLens release zip, by base name (lower case). A release also holds
 * train/test splits (u1.base ... ub.test) that repeat u.data's ratings, READMEs, scripts,
 * links and tags: only the canonical ratings, movies and users files are staged.
 */
const RELEASE_FILES = new Set(['u.data', 'u.item', 'u.user', 'ratings.dat', 'movies.dat', 'users.dat', 'ratings.csv', 'movies.csv']);

/**
 * Most entries a zip may list. A release has under 30 (ml-100k: 23); the cap keeps a zip of
 * millions of empty entries from costing a walk of its whole central directory and a huge
 * `skipped` list in the answer.
 */
export const MAX_ZIP_ENTRIES = 1000;

/** One release entry handed to the stage callback. */
export interface ZipEntryToStage {
  /** Base name it is staged as, e.g. `u.data`. */
  name: string;
  /** Full name inside the zip, e.g. `ml-100k/u.data`. */
  path: string;
  /** Unpacked size the zip declares, bytes (yauzl fails the stream if the data disagrees). */
  declaredBytes: number;
}

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
 * @param zipName - the zip's name as uploaded, for messages
 * @param stage - consumes one entry's bytes; awaited before the next entry is opened
 * @throws HttpError 413 when the zip lists more than {@link MAX_ZIP_ENTRIES} entries
 * @throws Error when the file is not a valid zip
 */
export async function stageZipEntries(path: string, zipName: string, stage: (entry: ZipEntryToStage, bytes: Readable) => Promise<unknown>): Promise<ZipStaging> {
  const zip = await openZip(path);
  const result: ZipStaging = { staged: [], skipped: [] };
  if (zip.entryCount > MAX_ZIP_ENTRIES) {
    zip.close();
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `${zipName}: ${zip.entryCount} entries; a release zip may hold at most ${MAX_ZIP_ENTRIES}.`);
  }
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
          .then((stream) =>
            stage({ name, path: entry.fileName, declaredBytes: entry.uncompressedSize }, stream).catch((err: unknown) => {
              stream.destroy(); // refused before (or while) reading: stop inflating
              throw err;
            }),
          )
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
