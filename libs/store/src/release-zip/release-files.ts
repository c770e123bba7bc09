import { InputError } from '@movielens/core';

/**
 * The files staged from a MovieLens release (zip or folder), by base name, lower case: the
 * canonical ratings, movies and users files of ML-100K, ML-1M and the CSV releases. A release
 * also holds train/test splits (u1.base ... ub.test) that repeat u.data's ratings, READMEs,
 * scripts, links and tags: those are left out.
 */
export const RELEASE_FILES: readonly string[] = ['u.data', 'u.item', 'u.user', 'ratings.dat', 'movies.dat', 'users.dat', 'ratings.csv', 'movies.csv'];

const releaseFiles = new Set(RELEASE_FILES);

/** True when `baseName` (no folder) is one of {@link RELEASE_FILES}, compared case-insensitively. */
export function isReleaseFile(baseName: string): boolean {
  return releaseFiles.has(baseName.toLowerCase());
}

/** True when `name` ends in `.zip` (any case): such an upload is read as a release zip. */
export function isZipName(name: string): boolean {
  return name.toLowerCase().endsWith('.zip');
}

/**
 * The names staged so far in one upload, so that two files that would both be staged as
 * `u.data` are refused rather than letting the ingest pick one silently.
 */
export class StagedNames {
  private readonly claimed = new Map<string, string>();

  /**
   * Claims the staged name `name` (compared case-insensitively) for the file at `source`.
   * @param source - where the file comes from, as the user knows it: `u.data` or `ml-100k.zip:ml-100k/u.data`
   * @throws InputError naming both sources when another file already claimed the name
   */
  claim(name: string, source: string): void {
    const key = name.toLowerCase();
    const first = this.claimed.get(key);
    if (first !== undefined) throw new InputError(`files: both ${first} and ${source} would be staged as ${name}; upload one file of each kind.`);
    this.claimed.set(key, source);
  }
}
