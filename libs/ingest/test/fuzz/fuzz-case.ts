/**
 * One ingest fuzz case: stage a mutated upload, run the real pipeline on a real Redis, and check
 * the outcome against the reference model (reference.ts): accepted with exactly its counts, or
 * refused with an InputError naming a file, a line the reference also finds wrong, and a reason,
 * with every key (current dataset, versions, staged uploads) byte for byte as before.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { InputError } from '@movielens/core';
import { DatasetStore, UploadStore, type IngestReport, type KeySchema } from '@movielens/store';
import { runIngest } from '../../src/ingest.pipeline';
import { stageUpload } from '../../src/ingest.fixtures';
import { baseFiles, type Base, type UploadFile } from './corpus';
import { mutate, mutation, type Mutation } from './mutations';
import { expectedOutcome, type RefCurrent, type RefOutcome } from './reference';

/** A case: which files, how they are mutated, and how they are ingested. */
export interface FuzzCase {
  base: Base;
  /** Picks the u.data window or the synthetic seed. */
  variant: number;
  /** Files uploaded: bit 0 ratings, bit 1 movies, bit 2 users (when the base has one). */
  kinds: number;
  /** Index (modulo the upload's size) of the file the mutations apply to. */
  target: number;
  mutations: Mutation[];
  maxErrors: number;
  mode: 'replace' | 'append';
}

/** Cases over `bases`: mostly whole uploads in replace mode, 0-3 mutations of one file. */
export function fuzzCase(bases: readonly Base[]): fc.Arbitrary<FuzzCase> {
  return fc.record({
    base: fc.constantFrom(...bases),
    variant: fc.integer({ min: 0, max: 999 }),
    kinds: fc.constantFrom(7, 7, 7, 7, 1, 3, 5, 2),
    target: fc.nat(2),
    mutations: fc.array(mutation, { maxLength: 3 }),
    maxErrors: fc.constantFrom(0, 0, 1, 2, 5, 1000),
    mode: fc.constantFrom('replace' as const, 'replace' as const, 'replace' as const, 'append' as const),
  });
}

/** The files a case uploads, the target one mutated. */
export function uploadOf(c: FuzzCase, ml100kDir: string | undefined): UploadFile[] {
  const all = baseFiles(c.base, c.variant, ml100kDir);
  if (all === undefined) throw new Error(`base ${c.base} needs ../shared/data/ml-100k`);
  const files = all.filter((_, i) => (c.kinds >> i) & 1);
  const chosen = files.length > 0 ? files : all.slice(0, 1);
  const target = c.target % chosen.length;
  return chosen.map((f, i) => (i === target ? { name: f.name, bytes: c.mutations.reduce(mutate, f.bytes) } : f));
}

/** Where a fuzz run works: a Redis client and its own key prefix. */
export interface FuzzTarget {
  redis: Redis;
  keys: KeySchema;
  prefix: string;
}

/** Every key of the prefix with a digest of its serialized value (DUMP), sorted. */
async function keySpace(t: FuzzTarget): Promise<string[]> {
  const keys = (await t.redis.keys(`${t.prefix}:*`)).sort();
  const pipeline = t.redis.pipeline();
  for (const key of keys) pipeline.dumpBuffer(key);
  const dumps = (await pipeline.exec()) ?? [];
  return keys.map((key, i) => `${key} ${createHash('sha1').update((dumps[i][1] as Buffer | null) ?? '').digest('hex')}`);
}

/** What the reference needs to know of the current dataset. */
async function currentState(t: FuzzTarget, mode: 'replace' | 'append'): Promise<RefCurrent | null> {
  const datasets = new DatasetStore(t.redis, t.keys);
  const version = await datasets.currentVersion();
  const meta = version === null ? null : await datasets.meta(version);
  if (version === null || meta === null) return null;
  const ids = async (load: () => Promise<{ id: number }[]>, has: boolean) => (mode === 'append' && has ? new Set((await load()).map((x) => x.id)) : null);
  return {
    version,
    release: meta.release,
    mode: meta.report.mode,
    files: meta.report.files.map((f) => ({ name: f.name, sha256: f.sha256, skipped: f.skipped, hasEncoding: f.encoding !== undefined })),
    movieIds: await ids(() => datasets.loadMovies(version), meta.hasMovieInfo),
    userIds: await ids(() => datasets.loadUsers(version), meta.hasUserInfo),
  };
}

let cases = 0;

/**
 * Runs one case; resolves with what happened, throws an Error saying how the pipeline differed
 * from the reference (or crashed). The upload is deleted afterwards, as the job processor does.
 */
export async function runCase(t: FuzzTarget, c: FuzzCase, ml100kDir: string | undefined): Promise<RefOutcome['outcome']> {
  const files = uploadOf(c, ml100kDir);
  const uploadId = await stageUpload(t.redis, t.keys, Object.fromEntries(files.map((f) => [f.name, f.bytes])));
  try {
    const refFiles = files.map((f) => ({ ...f, sha256: createHash('sha256').update(f.bytes).digest('hex') }));
    const expected = expectedOutcome(refFiles, c.mode, c.maxErrors, await currentState(t, c.mode));
    const before = await keySpace(t);
    const version = `f${++cases}`;
    const got = await runIngest({ redis: t.redis, keys: t.keys, chunkSize: 4096 }, { uploadId, mode: c.mode, maxErrors: c.maxErrors, version, owner: `fuzz:${version}` }).then(
      (report) => ({ report }),
      (error: unknown) => ({ error }),
    );
    const after = await keySpace(t);
    const fail = (what: string): never => {
      throw new Error(`${what}\nexpected: ${describe(expected)}\ngot: ${'report' in got ? JSON.stringify({ ...got.report, skipped: got.report.skipped.slice(0, 5) }) : String(got.error)}`);
    };
    if ('error' in got && !(got.error instanceof InputError)) fail(`the pipeline failed with a non-input error: ${(got.error as Error)?.stack ?? String(got.error)}`);
    if (expected.outcome === 'refused') {
      if (!('error' in got)) return fail('accepted an upload the reference refuses');
      checkRefusal(got.error as InputError, expected, files, fail);
      if (after.join('\n') !== before.join('\n')) fail('a refused upload changed the key space');
    } else if (expected.outcome === 'unchanged') {
      if (!('report' in got) || !got.report.unchanged) fail('expected "unchanged"');
      if (after.join('\n') !== before.join('\n')) fail('an unchanged upload changed the key space');
    } else {
      if (!('report' in got)) return fail(`refused an upload the reference accepts: ${(got.error as InputError).issues.slice(0, 3).map((i) => `${i.file}:${i.line}: ${i.reason}`).join('; ')}`);
      await checkAccepted(t, got.report, expected, c, fail);
      const upload = (lines: string[]) => lines.filter((k) => k.includes(`{u:${uploadId}}`));
      if (upload(after).join('\n') !== upload(before).join('\n')) fail('the ingest changed the staged upload');
    }
    return expected.outcome;
  } finally {
    await new UploadStore(t.redis, t.keys).delete(uploadId);
  }
}

function describe(e: RefOutcome): string {
  if (e.outcome === 'refused') return `refused: ${e.file} (${e.why}), lines ${[...e.lines].slice(0, 10).join(',')}`;
  if (e.outcome === 'unchanged') return 'unchanged';
  return JSON.stringify({ read: e.read, files: [...e.files].map(([name, f]) => ({ name, lines: f.lines, skipped: f.bad.length, encoding: f.encoding, bad: f.bad.slice(0, 5) })) });
}

/** The error names the reference's file, lines the reference also finds wrong, and reasons. */
function checkRefusal(err: InputError, expected: Extract<RefOutcome, { outcome: 'refused' }>, files: UploadFile[], fail: (what: string) => never): void {
  if (err.issues.length === 0 || err.message === '') fail('a refusal without issues or message');
  if (err.issues[0].file !== expected.file) fail(`refused naming ${err.issues[0].file}, the reference refuses ${expected.file}`);
  for (const issue of err.issues) {
    if (!files.some((f) => f.name === issue.file) || !Number.isInteger(issue.line) || issue.line < 0 || issue.reason === '') fail(`a malformed issue ${JSON.stringify(issue)}`);
    if (issue.file === expected.file && !expected.lines.has(issue.line)) fail(`names line ${issue.line} of ${issue.file} (${issue.reason}), which the reference finds fine`);
  }
}

/** The report's counts, skipped lines and encodings are the reference's; the version is current. */
async function checkAccepted(t: FuzzTarget, report: IngestReport, expected: Extract<RefOutcome, { outcome: 'accepted' }>, c: FuzzCase, fail: (what: string) => never): Promise<void> {
  if (report.unchanged) fail('answered "unchanged"');
  if (JSON.stringify(report.read) !== JSON.stringify(expected.read)) fail('read counts differ');
  let total = 0;
  for (const f of report.files) {
    const want = expected.files.get(f.name);
    if (want === undefined) return fail(`a report line for ${f.name}`);
    if (f.lines !== want.lines || f.skipped !== want.bad.length || f.encoding !== want.encoding) fail(`report of ${f.name} differs`);
    const listed = report.skipped.filter((s) => s.file === f.name).map((s) => s.line);
    if (listed.join(',') !== want.bad.slice(0, 100).join(',')) fail(`skipped lines of ${f.name} differ: ${listed.slice(0, 10).join(',')}`);
    total += want.bad.length;
  }
  if (report.skippedTotal !== total) fail('skippedTotal differs');
  const datasets = new DatasetStore(t.redis, t.keys);
  if ((await datasets.currentVersion()) !== report.datasetVersion) fail('the new version is not current');
  if ((await t.redis.hlen(t.keys.datasetStaging())) !== 0) fail('staged versions left behind');
  const meta = await datasets.meta(report.datasetVersion);
  if (c.mode === 'replace' && meta?.counts.ratings !== expected.read.ratings) fail(`stored ${meta?.counts.ratings} ratings`);
}
