import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Request } from 'express';
import { HttpError } from '../middleware/errors';
import type { UploadSink } from './ports';
import { tooLarge, UploadBudget } from './upload-budget';
import { stageZipEntries, type ZipEntryToStage } from './zip-entries';

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
  /**
   * Largest total of file bytes, bytes: both as received (a zip compressed) and as staged
   * in Redis (zip entries unpacked). UPLOAD_LIMIT_BYTES, default 1 GiB.
   */
  limitBytes: number;
  /** Directory for spooling zips. */
  tmpDir: string;
  /**
   * Checks a form field as soon as it arrives: a message refuses the upload at once (400), so a
   * form that sends `mode` before its files is not staged in full before being refused.
   * Default: fields are only returned, for the caller to check.
   */
  checkField?: (name: string, value: string) => string | null;
}

/**
 * How long a refused upload's remaining body is still read (and discarded) after the error was
 * answered, ms. Closing at once would make many clients, still sending, lose the answer to a
 * reset; reading to the end would let a client stream gigabytes past the limit.
 */
export const UPLOAD_LINGER_MS = 2000;

/**
 * The error is answered while the client may still be sending: keep reading for a short while
 * after the answer is out (a "lingering close", as web servers do), then drop the connection
 * so it is never reused with half a body in it. No `Connection: close` header: Node would then
 * close the socket as soon as the answer is written, which is the reset this avoids.
 */
function lingerThenClose(req: Request): void {
  const res = req.res;
  if (res === undefined) return;
  const close = () => {
    if (req.complete) return;
    const timer = setTimeout(() => req.socket.destroy(), UPLOAD_LINGER_MS);
    timer.unref();
    req.once('end', () => clearTimeout(timer));
  };
  if (res.writableFinished) close();
  else res.once('finish', close);
}

/** Most files per upload (busboy's `files` limit). */
export const MAX_UPLOAD_FILES = 20;

/** Most form fields per upload; the form has two (`mode`, `maxErrors`). More refuse the upload (413). */
export const MAX_UPLOAD_FIELDS = 20;

/** Most parts (files and fields) per upload. More refuse the upload (413). */
export const MAX_UPLOAD_PARTS = 40;

/** Longest form field value, bytes. A longer one refuses the upload (413), never cut. */
export const MAX_FIELD_BYTES = 1024;

/** Longest form field name, bytes. A longer one refuses the upload (400). */
export const MAX_FIELD_NAME_BYTES = 100;

/** 413 naming a multipart limit that was hit: an upload past a limit is refused whole, never cut. */
function overLimit(what: string): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `${what}; the upload was refused, nothing was staged.`);
}

/**
 * Streams a multipart upload into Redis: plain files go straight to `sink.stageFile`
 * (never buffered whole), a `.zip` is spooled to a uniquely named temp file (zip needs
 * random access) and its release entries are staged one by one. The bytes received and the
 * bytes staged (zip entries unpacked) are each bounded by `limitBytes` (413), and no two
 * files may be staged under one name (400). On any failure every file staged so far is
 * deleted and the spool directory removed before the error is thrown. Resolves after every
 * file is staged.
 */
export async function receiveUpload(req: Request, sink: UploadSink, options: ReceiveOptions): Promise<ReceivedUpload> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.limitBytes + 64 * 1024) throw tooLarge(options.limitBytes);
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      limits: { files: MAX_UPLOAD_FILES, fields: MAX_UPLOAD_FIELDS, fieldSize: MAX_FIELD_BYTES, fieldNameSize: MAX_FIELD_NAME_BYTES, parts: MAX_UPLOAD_PARTS },
    });
  } catch (err) {
    throw new HttpError(400, 'BAD_REQUEST', 'Expected a multipart/form-data body with MovieLens files (or a release .zip).', { cause: err });
  }
  const uploadId = await sink.create();
  const budget = new UploadBudget(options.limitBytes);
  // No prototype: a field named `__proto__` or `constructor` is just a name.
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  const files: string[] = [];
  const skipped: string[] = [];
  const work: Promise<void>[] = [];
  let failed = false;
  let spoolDir: Promise<string> | undefined;
  let zips = 0;

  // The source is piped, never destroyed: on an error it is drained instead, so busboy keeps
  // reading the request to its end and the error can still be answered.
  const metered = (stream: Readable, totals: readonly ('received' | 'staged')[], source: string): Transform => {
    const out = stream.pipe(budget.meter(totals, source));
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
    budget.claim(name, name);
    await sink.stageFile(uploadId, name, metered(stream, ['received', 'staged'], name));
    files.push(name);
  };

  const stageEntry = async (zipName: string, entry: ZipEntryToStage, bytes: Readable) => {
    const source = `${zipName}:${entry.path}`;
    budget.claim(entry.name, source);
    budget.reserve(entry.declaredBytes, source);
    const out = budget.meter(['staged'], source);
    pipeline(bytes, out).catch(() => undefined); // a failure reaches stageFile through `out`
    await sink.stageFile(uploadId, entry.name, out);
  };

  const stageZip = async (name: string, stream: Readable) => {
    // One directory per upload (created once even if two zips start together), one name per zip in it.
    spoolDir ??= mkdtemp(join(options.tmpDir, 'movielens-upload-'));
    const path = join(await spoolDir, `${zips++}.zip`);
    await pipeline(metered(stream, ['received'], name), createWriteStream(path));
    try {
      const result = await stageZipEntries(path, name, (entry, bytes) => stageEntry(name, entry, bytes));
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
    // Busboy stops delivering parts past a limit and says so only by these events: each one
    // refuses the whole upload, so no field or file is ever dropped silently.
    const refuse = (err: HttpError) => {
      failed = true;
      reject(err);
    };
    bb.on('filesLimit', () => refuse(new HttpError(400, 'BAD_REQUEST', `files: at most ${MAX_UPLOAD_FILES} files per upload.`)));
    bb.on('fieldsLimit', () => refuse(overLimit(`fields: at most ${MAX_UPLOAD_FIELDS} form fields per upload`)));
    bb.on('partsLimit', () => refuse(overLimit(`parts: at most ${MAX_UPLOAD_PARTS} parts (files and fields) per upload`)));
    bb.on('file', (_field, stream, info) => {
      open.add(stream);
      stream.once('close', () => open.delete(stream));
      const name = (info.filename ?? '').split(/[\\/]/).pop() ?? '';
      if (failed) {
        stream.resume();
        return;
      }
      if (name === '') {
        // An empty file input sends a nameless, empty part: harmless. One with bytes would be lost.
        stream.once('data', () => refuse(new HttpError(400, 'BAD_REQUEST', 'files: a file part has no file name; send each file with its name (filename="ratings.dat").')));
        stream.resume();
        return;
      }
      const job = (name.toLowerCase().endsWith('.zip') ? stageZip(name, stream) : stageOne(name, stream)).catch((err: unknown) => {
        failed = true;
        stream.resume(); // keep busboy flowing: the rest of the body is read and discarded
        reject(err); // answer now, not once the client has sent everything
        throw err;
      });
      job.catch(() => undefined);
      work.push(job);
    });
    bb.on('field', (name, value, info) => {
      if (failed) return;
      const shown = JSON.stringify(name.slice(0, 40));
      if (info.nameTruncated) return refuse(new HttpError(400, 'BAD_REQUEST', `fields: a field name is longer than ${MAX_FIELD_NAME_BYTES} bytes.`));
      if (info.valueTruncated) return refuse(overLimit(`${shown}: form field values are at most ${MAX_FIELD_BYTES} bytes`));
      if (Object.hasOwn(fields, name)) return refuse(new HttpError(400, 'BAD_REQUEST', `${shown}: the field is sent twice; send each field once.`));
      fields[name] = value;
      const problem = options.checkField?.(name, value) ?? null;
      if (problem !== null) refuse(new HttpError(400, 'BAD_REQUEST', problem));
    });
    bb.on('error', (err: unknown) => reject(new HttpError(400, 'BAD_REQUEST', `Malformed multipart body: ${(err as Error).message}`, { cause: err })));
    bb.on('close', resolve);
  });
  // `done` also rejects on the first failed file; a later rejection (say, the socket closed by
  // the lingering drain below) has no one left to hear it.
  done.catch(() => undefined);
  req.pipe(bb);
  try {
    await done;
    await Promise.all(work);
  } catch (err) {
    failed = true; // files that start now are drained, not staged
    if (!req.complete) lingerThenClose(req);
    // Let every file in flight settle first: deleting while one still writes would leave its chunks behind.
    await Promise.allSettled(work);
    await sink.delete(uploadId).catch(() => undefined);
    throw err;
  } finally {
    const dir = await spoolDir?.catch(() => undefined);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
  return { uploadId, files, skipped, fields };
}
