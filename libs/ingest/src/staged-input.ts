/**
 * Reading an upload back out of Redis: which file is which (detected from name and first
 * bytes), the content hash of the whole input, and streaming each file through its parser.
 */
import { createHash } from 'node:crypto';
import {
  createMoviesParser,
  createRatingsParser,
  createUsersParser,
  DETECT_HEAD_BYTES,
  detectFiles,
  InputError,
  releaseName,
  type DetectedFile,
  type MoviesResult,
  type ParserOptions,
  type RatingsResult,
  type StreamParser,
  type UsersResult,
} from '@movielens/core';
import type { DatasetMeta, UploadedFile, UploadStore } from '@movielens/store';

/** A staged file with what it was detected to hold. */
export interface StagedInput {
  staged: UploadedFile;
  detected: DetectedFile;
}

/** The files of one upload, at most one per kind. */
export interface StagedInputs {
  ratings?: StagedInput;
  movies?: StagedInput;
  users?: StagedInput;
  all: StagedInput[];
  /** Bytes of all files. */
  totalBytes: number;
}

/** Reads the first chunk of every file and detects the kinds; checks they form one dataset. */
export async function detectStagedFiles(uploads: UploadStore, uploadId: string, files: UploadedFile[]): Promise<StagedInputs> {
  const heads: { fileName: string; head: Uint8Array }[] = [];
  for (const file of files) {
    let head: Uint8Array = new Uint8Array(0);
    for await (const chunk of uploads.readFile(uploadId, file)) {
      head = chunk.subarray(0, DETECT_HEAD_BYTES);
      break;
    }
    heads.push({ fileName: file.name, head });
  }
  const detected = detectFiles(heads);
  const inputs: StagedInputs = { all: [], totalBytes: 0 };
  detected.forEach((d, i) => {
    const input = { staged: files[i], detected: d };
    inputs[d.kind] = input;
    inputs.all.push(input);
    inputs.totalBytes += files[i].size;
  });
  return inputs;
}

/**
 * Identity of an input: sha256 over the files' (name, sha256) pairs sorted by name, and the
 * mode. Re-uploading the same files in the same mode gives the same hash.
 */
export function contentHash(files: readonly UploadedFile[], mode: 'replace' | 'append'): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) hash.update(`${f.name}\0${f.sha256}\n`);
  hash.update(`mode=${mode}`);
  return hash.digest('hex');
}

/** Streams a staged file through a push parser, reporting each chunk's byte count. */
async function feed<R>(uploads: UploadStore, uploadId: string, input: StagedInput, parser: StreamParser<R>, onBytes: (n: number) => void | Promise<void>): Promise<R> {
  for await (const chunk of uploads.readFile(uploadId, input.staged)) {
    parser.push(chunk);
    await onBytes(chunk.byteLength);
  }
  return parser.end();
}

/** Parser options of one file. */
type Options = Omit<ParserOptions, 'file'>;

/** Parses the movies file of an upload. */
export function parseMovies(uploads: UploadStore, uploadId: string, input: StagedInput, options: Options, onBytes: (n: number) => void | Promise<void>): Promise<MoviesResult> {
  return feed(uploads, uploadId, input, createMoviesParser({ ...options, file: input.detected }), onBytes);
}

/** Parses the users file of an upload. */
export function parseUsers(uploads: UploadStore, uploadId: string, input: StagedInput, options: Options, onBytes: (n: number) => void | Promise<void>): Promise<UsersResult> {
  return feed(uploads, uploadId, input, createUsersParser({ ...options, file: input.detected }), onBytes);
}

/** Parses the ratings file of an upload (with the known movie and user ids, when any). */
export function parseRatings(uploads: UploadStore, uploadId: string, input: StagedInput, options: Options, onBytes: (n: number) => void | Promise<void>): Promise<RatingsResult> {
  return feed(uploads, uploadId, input, createRatingsParser({ ...options, file: input.detected }), onBytes);
}

/** Rejects an input that cannot make the requested dataset (replace without ratings, nothing at all). */
export function checkInputsForMode(inputs: StagedInputs, mode: 'replace' | 'append'): void {
  if (inputs.all.length === 0) throw new InputError('the upload holds no files');
  if (mode === 'replace' && inputs.ratings === undefined) {
    const names = inputs.all.map((i) => i.staged.name).join(', ');
    throw new InputError(`replace mode needs a ratings file (ratings.dat, u.data or ratings.csv); the upload has only: ${names}`, [
      { file: inputs.all[0].staged.name, line: 0, reason: 'no ratings file in a replace upload' },
    ]);
  }
}

/**
 * Refuses an append of files from another release than the current dataset's: their ids and
 * rating scale are another dataset's, so merging would relabel the dataset and overwrite
 * ratings of unrelated users and movies.
 */
export function checkAppendRelease(inputs: StagedInputs, mode: 'replace' | 'append', current: DatasetMeta | null): void {
  if (mode !== 'append' || current === null) return;
  const foreign = inputs.all.filter((i) => i.detected.release !== current.release);
  if (foreign.length === 0) return;
  const dataset = `${releaseName(current.release)} dataset (version ${current.version})`;
  const what = foreign.map((i) => `${i.staged.name} is ${releaseName(i.detected.release)}`).join(', ');
  throw new InputError(
    `${what} but the current dataset is ${releaseName(current.release)}: an append needs files of the dataset's release (upload in replace mode to switch releases)`,
    foreign.map((i) => ({ file: i.staged.name, line: 0, reason: `${releaseName(i.detected.release)} file: cannot be appended to the current ${dataset}` })),
  );
}
