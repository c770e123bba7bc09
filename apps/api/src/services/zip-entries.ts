import { readReleaseZip, ZipError, type StageZipEntry, type ZipStaging } from '@movielens/store';
import { HttpError } from '../middleware/errors';

export type { ZipEntryToStage } from '@movielens/store';

/** A refused zip as the API answers it: 413 for a zip listing too many entries, else 400, with the reader's message. */
function toHttpError(err: ZipError): HttpError {
  return err.problem === 'too-many-entries' ? new HttpError(413, 'PAYLOAD_TOO_LARGE', err.message, { cause: err }) : new HttpError(400, 'BAD_REQUEST', err.message, { cause: err });
}

/**
 * Streams the release files of a zip on disk to `stage`, one entry at a time, through the
 * shared release-zip reader of @movielens/store (the CLI reads zips with it too).
 * @param zipName - the zip's name as uploaded, for messages
 * @param stage - consumes one entry's bytes; awaited before the next entry is opened
 * @throws HttpError 400 naming the zip, the entry and the reason when the zip cannot be taken
 *   (encrypted, unsupported method, unsafe path, damaged...), 413 when it lists more than
 *   MAX_ZIP_ENTRIES entries; errors of `stage` unchanged
 */
export async function stageZipEntries(path: string, zipName: string, stage: StageZipEntry): Promise<ZipStaging> {
  try {
    return await readReleaseZip(path, zipName, stage);
  } catch (err) {
    throw err instanceof ZipError ? toHttpError(err) : err;
  }
}
