import { Transform, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl, { type Entry } from 'yauzl';
import { entryFault, ZipError } from './zip-error';

/** Names of the compression methods of the zip spec (APPNOTE 4.4.5) that yauzl cannot unpack, for messages. */
const METHOD_NAMES: Readonly<Record<number, string>> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'LZMA',
  93: 'Zstandard',
  95: 'xz',
  96: 'JPEG',
  97: 'WavPack',
  98: 'PPMd',
};

/** General purpose flag bit 0: the entry is encrypted (bit 6, strong encryption, implies it). */
const ENCRYPTED = 0x1;
/** Method 99 is WinZip AES: the real method hides in an extra field, behind the encryption. */
const AES = 99;
/** File type bits of a Unix mode (high 16 bits of the external attributes when made on Unix). */
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/**
 * Checks an entry's path before anything else: an absolute path or one that climbs out with
 * `..` is refused even though entries are staged by base name (which could not escape): such a
 * zip was made to attack an unpacker, or by a broken tool.
 * @param path - the entry's name, backslashes already turned into `/`
 */
export function checkPath(where: string, path: string): ZipError | null {
  return yauzl.validateFileName(path) === null ? null : new ZipError('unsafe-path', `${where}: unsafe entry path (absolute, or climbing out with ..); re-create the zip with relative paths`);
}

/**
 * Checks, before opening it, that an entry to stage can be read as written: not encrypted, a
 * method yauzl unpacks, a regular file, and for a stored entry equal packed and unpacked sizes.
 * @param where - `zip:entry`, named in the error
 */
export function checkReadable(where: string, entry: Entry): ZipError | null {
  if ((entry.generalPurposeBitFlag & ENCRYPTED) !== 0 || entry.compressionMethod === AES) {
    return new ZipError('encrypted', `${where}: the entry is encrypted; upload an unencrypted zip`);
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    const name = METHOD_NAMES[entry.compressionMethod] ?? 'unknown';
    return new ZipError(
      'unsupported-compression',
      `${where}: compressed with method ${entry.compressionMethod} (${name}), which is not supported; re-create the zip with deflate (the default of zip tools) or no compression`,
    );
  }
  const madeOnUnix = entry.versionMadeBy >> 8 === 3;
  if (madeOnUnix && ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
    return new ZipError('not-a-file', `${where}: a symbolic link, not a file; zip the file itself`);
  }
  if (entry.compressionMethod === 0 && entry.compressedSize !== entry.uncompressedSize) {
    return new ZipError(
      'size-mismatch',
      `${where}: a stored (uncompressed) entry declares ${entry.compressedSize} bytes packed but ${entry.uncompressedSize} unpacked; the zip is damaged`,
    );
  }
  return null;
}

/**
 * Passes an entry's unpacked bytes through, checking them against what the central directory
 * declares: the stream fails as soon as they pass the declared size (so a zip bomb that lies
 * about its size costs at most one chunk more than it declared), and at the end when they fall
 * short or fail their CRC-32. yauzl's own size checks are off: they fail without naming the
 * entry. Read errors of `source` become a ZipError naming the entry; destroying the returned
 * stream destroys `source`.
 * @param where - `zip:entry`, named in the errors
 */
export function checkedBytes(source: Readable, entry: Entry, where: string): Transform {
  const declared = entry.uncompressedSize;
  let bytes = 0;
  let crc = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > declared) {
        done(new ZipError('size-mismatch', `${where}: unpacks to more than the ${declared} bytes the zip declares for it (a damaged zip or a zip bomb); refused`));
        return;
      }
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      if (bytes !== declared) done(new ZipError('size-mismatch', `${where}: unpacks to ${bytes} bytes, but the zip declares ${declared}; the zip is damaged or truncated`));
      else if (crc !== entry.crc32) done(new ZipError('damaged', `${where}: the unpacked bytes fail their CRC-32 check; the zip is damaged`));
      else done();
    },
  });
  // `on`, not `once`: yauzl forwards read errors to its inflate stream by hand, so one stream may emit two.
  source.on('error', (err) => out.destroy(entryFault(where, err)));
  out.once('close', () => source.destroy());
  source.pipe(out);
  return out;
}
