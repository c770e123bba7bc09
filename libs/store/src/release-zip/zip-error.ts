import { InputError } from '@movielens/core';

/** Why a zip, or one of its entries, was refused. */
export type ZipProblem =
  /** Not a zip at all, or its end was cut off (no end-of-central-directory record). */
  | 'not-a-zip'
  /** One part of a split (multi-disk) archive. */
  | 'multi-disk'
  /** The central directory, a local header or an entry's data is damaged or cut short. */
  | 'damaged'
  /** More entries than a release ever has. */
  | 'too-many-entries'
  /** An entry path that is absolute or climbs out with `..`. */
  | 'unsafe-path'
  /** A symbolic link (or another non-file) where a release file is expected. */
  | 'not-a-file'
  /** The same path twice. */
  | 'duplicate-entry'
  /** An encrypted entry (traditional PKWARE, AES or strong encryption). */
  | 'encrypted'
  /** Compressed with a method other than stored (0) or deflate (8). */
  | 'unsupported-compression'
  /** The entry's data disagrees with the sizes or CRC-32 the zip declares (damage, or a zip bomb). */
  | 'size-mismatch'
  /** The zip holds no release file of its own, only another zip. */
  | 'nested-zip';

/**
 * A zip the upload cannot take. The message names the zip and the entry
 * (`ml.zip:ml-100k/u.data: <reason>; <what to do>`), or only the zip for faults of the whole
 * archive. Bad input: never retried; the API answers 400 (413 for `too-many-entries`).
 */
export class ZipError extends InputError {
  constructor(
    /** Why it was refused. */
    readonly problem: ZipProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, [], options);
  }
}

/** The prefix of faults of the whole archive, which the API answered before zips were checked entry by entry. */
const UNREADABLE = 'not a readable zip archive';

/**
 * A fault yauzl reports while opening a zip or walking its central directory, as a ZipError
 * naming the zip. yauzl's own messages are kept in parentheses: they name offsets and
 * signatures a support request may need.
 */
export function archiveFault(zipName: string, err: Error): ZipError {
  const raw = err.message;
  const fault = (problem: ZipProblem, reason: string) => new ZipError(problem, `${zipName}: ${UNREADABLE}: ${reason}`, { cause: err });
  if (raw.startsWith('End of central directory record signature not found')) {
    return fault('not-a-zip', 'no end-of-central-directory record, so not a zip or a truncated one; check that the file was downloaded whole');
  }
  if (raw.startsWith('multi-disk zip files are not supported')) {
    return fault('multi-disk', 'one part of a split (multi-disk) zip; join the parts (zip -s 0 split.zip --out whole.zip) and upload the whole zip');
  }
  if (raw === 'strong encryption is not supported') return fault('encrypted', 'an entry uses strong encryption; upload an unencrypted zip');
  if (raw === 'unexpected EOF' || raw.startsWith('invalid central directory') || raw.startsWith('invalid zip64')) {
    return fault('damaged', `the central directory is damaged or cut short (${raw}); check that the file was downloaded whole`);
  }
  return fault('damaged', `${raw}`);
}

/**
 * A fault met while opening or reading one entry's data, as a ZipError naming the zip and the
 * entry. `where` is `zip:entry`.
 */
export function entryFault(where: string, err: Error): ZipError {
  const raw = err.message;
  if (raw.startsWith('file data overflows file bounds') || raw === 'unexpected EOF') {
    return new ZipError('damaged', `${where}: the entry's data runs past the end of the zip; it is truncated (check that the file was downloaded whole)`, { cause: err });
  }
  if (raw.startsWith('invalid local file header signature')) {
    return new ZipError('damaged', `${where}: no local header where the central directory points (${raw}); the zip is damaged`, { cause: err });
  }
  // zlib's own errors (`invalid stored block lengths`, ...) say what is wrong with the deflate stream.
  return new ZipError('damaged', `${where}: the compressed data is damaged (${raw}); the zip is damaged`, { cause: err });
}
