import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { HttpError } from '../middleware/errors';
import type { UploadSink } from './ports';
import { stageZipEntries } from './zip-entries';

/** What a multipart upload delivered once every file is staged in Redis. */
export interface ReceivedUpload {
  uploadId: string;
  /** Staged file names (zip entries by base name). */
  files: string[];
  /** Zip entries left out (not a release's ratings/movies/users file). */
  skipped: string[];
  /** Text fields of the form, raw. */
  fields: Record<string, string>;
}

/** Options of {@link receiveUpload}. */
export interface ReceiveOptions {
  /** Largest total of file bytes, bytes. */
  limitBytes: number;
  /** Directory for spooling zips. */
  tmpDir: string;
}

/** 413 naming the limit in MiB. */
export function tooLarge(limitBytes: number): HttpError {
  const mib = (limitBytes / 2 ** 20).toFixed(limitBytes < 2 ** 20 ? 3 : 0);
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `Upload exceeds the limit of ${mib} MiB (UPLOAD_LIMIT_BYTES=${limitBytes}). Split the dataset or raise the limit.`);
}

/** Counts bytes through the stream and fails once the running total passes the limit. */
function byteLimiter(counter: { bytes: number }, limitBytes: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      counter.bytes += chunk.length;
      if (counter.bytes > limitBytes) done(tooLarge(limitBytes));
      else done(null, chunk);
    },
  });
}

/**
 * Streams a multipart upload into Redis: plain files go straight to `sink.stageFile`
 * (never buffered whole), a `.zip` is spooled to a temp file (zip needs random access)
 * and its release entries are staged one by one. The total of file bytes is bounded by
 * `limitBytes` (413). Resolves after every file is staged.
 */
export async function receiveUpload(req: Request, sink: UploadSink, options: ReceiveOptions): Promise<ReceivedUpload> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.limitBytes + 64 * 1024) throw tooLarge(options.limitBytes);
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { files: 20, fields: 20, fieldSize: 1024, parts: 40 } });
  } catch (err) {
    throw new HttpError(400, 'BAD_REQUEST', 'Expected a multipart/form-data body with MovieLens files (or a release .zip).', { cause: err });
  }
  const uploadId = await sink.create();
  const counter = { bytes: 0 };
  const fields: Record<string, string> = {};
  const files: string[] = [];
  const skipped: string[] = [];
  const work: Promise<void>[] = [];
  let spoolDir: string | undefined;

  // The source is piped, never destroyed: on an error it is drained instead, so busboy keeps
  // reading the request to its end and the error can still be answered.
  const limited = (stream: Readable): Transform => {
    const out = stream.pipe(byteLimiter(counter, options.limitBytes));
    const drain = () => {
      stream.unpipe(out);
      stream.resume();
    };
    out.once('error', drain);
    out.once('close', drain);
    stream.once('error', (err) => out.destroy(err));
    return out;
  };

  const stageOne = async (name: string, stream: Readable) => {
    await sink.stageFile(uploadId, name, limited(stream));
    files.push(name);
  };

  const stageZip = async (name: string, stream: Readable) => {
    spoolDir ??= await mkdtemp(join(options.tmpDir, 'movielens-upload-'));
    const path = join(spoolDir, `${files.length + skipped.length}.zip`);
    await pipeline(limited(stream), createWriteStream(path));
    try {
      const result = await stageZipEntries(path, (entry, bytes) => sink.stageFile(uploadId, entry, bytes));
      files.push(...result.staged);
      skipped.push(...result.skipped);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(400, 'BAD_REQUEST', `${name}: not a readable zip archive (${(err as Error).message}).`, { cause: err });
    }
  };

  const open = new Set<Readable>();
  const done = new Promise<void>((resolve, reject) => {
    // A client that goes away mid-upload: fail the file streams so staging stops and is undone.
    req.once('close', () => {
      if (req.complete) return;
      const err = new HttpError(400, 'BAD_REQUEST', 'The upload was interrupted before the request body ended.');
      for (const stream of open) stream.destroy(err);
      reject(err);
    });
    bb.on('filesLimit', () => reject(new HttpError(400, 'BAD_REQUEST', 'files: at most 20 files per upload.')));
    bb.on('file', (_field, stream, info) => {
      open.add(stream);
      stream.once('close', () => open.delete(stream));
      const name = (info.filename ?? '').split(/[\\/]/).pop() ?? '';
      if (name === '') {
        stream.resume();
        return;
      }
      const job = (name.toLowerCase().endsWith('.zip') ? stageZip(name, stream) : stageOne(name, stream)).catch((err: unknown) => {
        stream.resume(); // keep busboy flowing so the request ends and the error can be answered
        throw err;
      });
      job.catch(() => undefined);
      work.push(job);
    });
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('error', (err: unknown) => reject(new HttpError(400, 'BAD_REQUEST', `Malformed multipart body: ${(err as Error).message}`, { cause: err })));
    bb.on('close', resolve);
  });
  req.pipe(bb);
  try {
    await done;
    await Promise.all(work);
  } catch (err) {
    await sink.delete(uploadId).catch(() => undefined);
    throw err;
  } finally {
    if (spoolDir !== undefined) await rm(spoolDir, { recursive: true, force: true });
  }
  return { uploadId, files, skipped, fields };
}
