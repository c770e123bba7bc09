import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '@movielens/core';
import { isZipName, readReleaseZip, StagedNames, type UploadStore } from '@movielens/store';
import type { Progress } from '../progress';

/** What {@link stageUpload} put in Redis. */
export interface StagedUpload {
  /** Staged file names: plain files by base name, zip entries by their base name (`u.data`). */
  files: string[];
  /** Zip entries left out (not a release's ratings/movies/users file), by their path in the zip. */
  skipped: string[];
  /** Bytes staged, zip entries unpacked. */
  bytes: number;
}

/** Passes chunks through, reporting each one's size (a 'data' listener would drain the stream instead). */
async function* counted(source: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/**
 * Streams the files named on the command line into upload `uploadId`, as `POST /datasets` does:
 * a plain file under its base name, a `.zip` through the shared release-zip reader (the same
 * entries staged, the same zips refused with the same messages), and no two files under one
 * name. The bar counts bytes read from disk (a zip entry by its share of the zip). On any
 * failure the upload is deleted before the error is rethrown.
 * @throws ZipError naming zip, entry and reason; InputError for two files of one name, or
 *   when nothing at all was staged (a zip of READMEs)
 */
export async function stageUpload(uploads: UploadStore, uploadId: string, paths: string[], progress: Progress): Promise<StagedUpload> {
  const names = new StagedNames();
  const result: StagedUpload = { files: [], skipped: [], bytes: 0 };
  const total = paths.reduce((sum, path) => sum + statSync(path).size, 0);
  let read = 0;
  const stage = async (name: string, source: string, bytes: AsyncIterable<Buffer>, diskShare: number) => {
    names.claim(name, source);
    await uploads.stageFile(
      uploadId,
      name,
      counted(bytes, (n) => {
        result.bytes += n;
        progress.update((read += n * diskShare), total, name);
      }),
    );
  };
  try {
    for (const path of paths) {
      const file = basename(path);
      const start = read;
      if (isZipName(file)) {
        const zip = await readReleaseZip(path, file, (entry, bytes) => stage(entry.name, `${file}:${entry.path}`, bytes, entry.packedBytes / Math.max(entry.declaredBytes, 1)));
        result.files.push(...zip.staged);
        result.skipped.push(...zip.skipped);
      } else {
        await stage(file, file, createReadStream(path, { highWaterMark: 1 << 20 }), 1);
        result.files.push(file);
      }
      read = start + statSync(path).size; // a zip's headers and skipped entries count too
      progress.update(read, total, file);
    }
    if (result.files.length === 0) {
      const left = result.skipped.length > 0 ? `skipped ${result.skipped.slice(0, 5).join(', ')}` : 'the zip holds no files';
      throw new InputError(`files: no MovieLens ratings/movies/users file found (${left})`);
    }
  } catch (err) {
    await uploads.delete(uploadId).catch(() => undefined);
    throw err;
  }
  return result;
}
