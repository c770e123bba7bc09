import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { checkedBytes, checkPath, checkReadable } from './entry-check';
import { isReleaseFile, isZipName } from './release-files';
import { archiveFault, entryFault, ZipError } from './zip-error';

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
  /** Unpacked size the zip declares, bytes; the bytes handed over are checked against it. */
  declaredBytes: number;
  /** Packed size the zip declares, bytes (what the entry costs of the zip file, for progress). */
  packedBytes: number;
}

/** Consumes one entry's unpacked bytes; awaited before the next entry is opened. */
export type StageZipEntry = (entry: ZipEntryToStage, bytes: Readable) => Promise<unknown>;

/** What happened to each entry of a zip. */
export interface ZipStaging {
  /** Base names staged, in zip order. */
  staged: string[];
  /** Entry names left out (not a ratings/movies/users file of a release), in zip order. */
  skipped: string[];
}

function openZip(path: string, zipName: string): Promise<ZipFile> {
  // Names are decoded below, not by yauzl, and sizes checked by checkedBytes: yauzl's own checks
  // fail the whole walk with messages that name no entry (`size mismatch for stored file: 889 != 889`).
  const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false };
  return new Promise((resolve, reject) => yauzl.open(path, options, (err, zip) => (err ? reject(archiveFault(zipName, err)) : resolve(zip))));
}

function openEntry(zip: ZipFile, entry: Entry, where: string): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(entryFault(where, err)) : resolve(stream))));
}

/** The central directory's entries, one at a time; a fault of the directory becomes a ZipError naming the zip. */
async function* entriesOf(zip: ZipFile, zipName: string): AsyncGenerator<Entry> {
  const entries = zip.eachEntry();
  for (;;) {
    let next: IteratorResult<Entry>;
    try {
      next = await entries.next();
    } catch (err) {
      throw archiveFault(zipName, err as Error);
    }
    if (next.done === true) return;
    yield next.value;
  }
}

/**
 * Reads the release files of a zip on disk and hands each one's unpacked bytes to `stage`, one
 * entry at a time (zip needs random access: its central directory is at the end, hence a file).
 * Nothing is held in memory beyond one stream buffer. The one reader of release zips: the API
 * and the CLI both stage through it, so they take the same entries and refuse the same zips.
 *
 * Every entry path is checked (absolute or `..` paths refuse the zip); an entry to stage must be
 * a plain file, unencrypted, stored or deflated, and unpack to exactly its declared size and
 * CRC-32. A zip inside the zip is skipped, or refused when the zip holds nothing else to stage.
 * @param zipName - the zip's name as the user gave it, for messages
 * @throws ZipError naming the zip (and the entry) when it cannot be taken
 * @throws whatever `stage` throws, unchanged
 */
export async function readReleaseZip(path: string, zipName: string, stage: StageZipEntry): Promise<ZipStaging> {
  const zip = await openZip(path, zipName);
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES) {
      throw new ZipError('too-many-entries', `${zipName}: ${zip.entryCount} entries; a release zip may hold at most ${MAX_ZIP_ENTRIES}.`);
    }
    const result: ZipStaging = { staged: [], skipped: [] };
    const releasePaths = new Set<string>();
    const nested: string[] = [];
    for await (const entry of entriesOf(zip, zipName)) {
      // Decoded as yauzl would (UTF-8 flag, Info-ZIP Unicode path field, else CP437), with `\` read as `/`.
      const path = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
      const where = `${zipName}:${path}`;
      const unsafe = checkPath(where, path);
      if (unsafe !== null) throw unsafe;
      if (path.endsWith('/')) continue; // a folder
      const name = path.slice(path.lastIndexOf('/') + 1);
      if (path.includes('__MACOSX') || !isReleaseFile(name)) {
        result.skipped.push(path);
        if (isZipName(name)) nested.push(path);
        continue;
      }
      if (releasePaths.has(path)) throw new ZipError('duplicate-entry', `${where}: the zip lists this entry twice; re-create the zip`);
      releasePaths.add(path);
      const unreadable = checkReadable(where, entry);
      if (unreadable !== null) throw unreadable;
      const bytes = checkedBytes(await openEntry(zip, entry, where), entry, where);
      try {
        await stage({ name, path, declaredBytes: entry.uncompressedSize, packedBytes: entry.compressedSize }, bytes);
      } catch (err) {
        bytes.destroy(); // refused before (or while) reading: stop unpacking
        throw err;
      }
      result.staged.push(name);
    }
    if (result.staged.length === 0 && nested.length > 0) {
      const inner = nested[0].slice(nested[0].lastIndexOf('/') + 1);
      throw new ZipError('nested-zip', `${zipName}:${nested[0]}: a zip inside the zip is not opened, and ${zipName} holds no MovieLens file of its own; upload ${inner} itself`);
    }
    return result;
  } finally {
    zip.close();
  }
}
