/**
 * Ingest-side findings of issue 12 ("no request or upload can crash a process or silently
 * change data"), each against a real Redis: encodings, cross-release appends, genre names,
 * "unchanged" re-uploads with another maxErrors, and messages that name the actual cause.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '@movielens/core';
import { runIngest, type IngestRequest } from './ingest.pipeline';
import { ingestFiles, moviesDat, ratingsDat, snapshot, stageUpload, useTestRedis, type FileSet } from './ingest.fixtures';

const t = useTestRedis('hard');
const ingest = (files: FileSet, options: Partial<IngestRequest> = {}) => ingestFiles(t, files, options, 100);

/** Expects `files` to be refused with InputError matching `message`, the key space (datasets and earlier uploads) unchanged. */
async function expectRefused(files: FileSet, message: RegExp, options: Partial<IngestRequest> = {}): Promise<InputError> {
  const before = await snapshot(t.redis, t.prefix);
  const uploadId = await stageUpload(t.redis, t.keys, files);
  const err = await runIngest({ redis: t.redis, keys: t.keys }, { uploadId, mode: 'replace', maxErrors: 0, version: 'refused', owner: 'refused', ...options }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).toMatch(message);
  expect((err as InputError).issues.length).toBeGreaterThan(0);
  const upload = (k: string) => k.includes(`{u:${uploadId}}`);
  expect((await snapshot(t.redis, t.prefix)).filter((k) => !upload(k))).toEqual(before);
  return err as InputError;
}

const u100k = '1\t1\t3\t881250949\n2\t1\t4\t881250950\n2\t2\t5\t881250951\n';

describe('finding 3: the encoding of movies.dat is detected per file and reported', () => {
  it('stores a UTF-8 movies.dat as written (Misérables, not MisÃ©rables) and says utf-8', async () => {
    const movies = Buffer.from('1::Misérables, Les (1995)::Drama|Musical\n2::Toy Story (1995)::Animation\n', 'utf8');
    const report = await ingest({ 'ratings.dat': '1::1::5::978300760\n1::2::4::978300761\n', 'movies.dat': movies });
    expect((await t.datasets.getMovie(report.datasetVersion, 1))!.title).toBe('Misérables, Les');
    expect(report.files.map((f) => [f.name, f.encoding])).toEqual([
      ['ratings.dat', 'ascii'],
      ['movies.dat', 'utf-8'],
    ]);
  });

  it('still stores a Latin-1 movies.dat correctly and says latin-1', async () => {
    const report = await ingest({ 'ratings.dat': '1::1::5::978300760\n', 'movies.dat': '1::Misérables, Les (1995)::Drama|Musical\n' });
    expect((await t.datasets.getMovie(report.datasetVersion, 1))!.title).toBe('Misérables, Les');
    expect(report.files[1]).toMatchObject({ name: 'movies.dat', encoding: 'latin-1' });
    expect((await t.datasets.meta(report.datasetVersion))!.report.files[1].encoding).toBe('latin-1');
  });
});

describe('finding 4: an append of a file from another release is refused', () => {
  it('refuses a CSV ratings file appended to an ML-100K dataset, naming both releases; nothing written', async () => {
    await ingest({ 'u.data': u100k });
    const err = await expectRefused({ 'ratings.csv': 'userId,movieId,rating,timestamp\n2,2,3.5,1\n' }, /ratings\.csv is CSV.*current dataset.*ML-100K/, { mode: 'append' });
    expect(err.issues).toEqual([{ file: 'ratings.csv', line: 0, reason: expect.stringMatching(/CSV file.*ML-100K dataset/) }]);
    const meta = (await t.datasets.meta((await t.datasets.currentVersion())!))!;
    expect(meta.release).toBe('ml-100k');
    expect(meta.ratingScale).toEqual({ min: 1, max: 5, step: 1 });
  });

  it('still appends a file of the same release', async () => {
    await ingest({ 'u.data': u100k });
    const report = await ingest({ 'u1.base': '2\t2\t1\t881250999\n' }, { mode: 'append' });
    expect(report.overwritten).toBe(1);
  });
});

describe('finding 5: genre names outside the release list are bad lines', () => {
  const ratings = '1::1::5::978300760\n1::2::4::978300761\n';

  it('refuses Cyberpunk in an ML-1M movies.dat under maxErrors 0, naming file and line', async () => {
    await ingest({ 'ratings.dat': ratings, 'movies.dat': moviesDat(2) });
    await expectRefused({ 'ratings.dat': ratings, 'movies.dat': '1::A (1999)::Drama\n2::B (1999)::Sci-Fi|Cyberpunk\n' }, /movies\.dat: 1 bad line \(max 0\); first at line 2: unknown genre 'Cyberpunk'/);
  });

  it('skips and reports an empty genre field within maxErrors', async () => {
    const report = await ingest({ 'ratings.dat': '1::1::5::978300760\n', 'movies.dat': '1::A (1999)::Drama\n2::B (1999)::\n' }, { maxErrors: 1 });
    expect(report.skipped).toEqual([{ file: 'movies.dat', line: 2, reason: expect.stringMatching(/^no genres: the genre field is empty/) }]);
    expect(report.read.movies).toBe(1);
  });
});

describe('finding 9: "unchanged" only when the outcome would be identical', () => {
  const withBadLine = { 'ratings.dat': '1::1::5::978300760\nx::1::5::1\n2::1::4::978300761\n' };

  it('parses identical files again when the new maxErrors is below a skipped count, and refuses them', async () => {
    const first = await ingest(withBadLine, { maxErrors: 1 });
    expect(first.files[0].skipped).toBe(1);
    await expectRefused(withBadLine, /ratings\.dat: 1 bad line \(max 0\); first at line 2/, { maxErrors: 0 });
    expect(await t.datasets.currentVersion()).toBe(first.datasetVersion);
  });

  it('answers unchanged when every file would skip the same lines, with the current encodings', async () => {
    const first = await ingest(withBadLine, { maxErrors: 1 });
    const again = await ingest(withBadLine, { maxErrors: 5 });
    expect(again).toMatchObject({ unchanged: true, datasetVersion: first.datasetVersion });
    expect(again.files[0]).toMatchObject({ name: 'ratings.dat', encoding: 'ascii' });
  });

  it('counts every skipped line in the report, not only the 100 it lists', async () => {
    const bad = Array.from({ length: 150 }, (_, i) => `x${i}::1::5::1\n`).join('');
    const report = await ingest({ 'ratings.dat': `${ratingsDat(10, 5, 5)}${bad}` }, { maxErrors: 150 });
    expect(report.files[0].skipped).toBe(150);
    expect(report.skippedTotal).toBe(150);
    expect(report.skipped).toHaveLength(100);
    await expectRefused({ 'ratings.dat': `${ratingsDat(10, 5, 5)}${bad}` }, /150 bad lines \(max 149\)/, { maxErrors: 149 });
  });
});

describe('finding 10: messages name the actual cause, with file and line', () => {
  it('names an ANSI escape in a title', () =>
    expectRefused({ 'ratings.dat': '1::1::5::978300760\n', 'movies.dat': '1::A \u001b[1mBold (1999)::Drama\n' }, /movies\.dat: 1 bad line \(max 0\); first at line 1: control character U\+001B \(ESC\) at column 6/));

  it('names CR-only line endings', () => expectRefused({ 'ratings.dat': '1::1::5::978300760\r2::1::4::978300761\r' }, /^ratings\.dat:1: CR-only line endings/));

  it('names the ratings file when every rating line was skipped', async () => {
    const err = await expectRefused({ 'ratings.dat': 'x::1::5::1\n' }, /ratings\.dat: no valid ratings: all 1 rating line was skipped/, { maxErrors: 1 });
    expect(err.issues.at(-1)).toMatchObject({ file: 'ratings.dat', line: 0 });
  });
});
