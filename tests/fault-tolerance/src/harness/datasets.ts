/**
 * Small synthetic ML-100K-shaped dumps (seeded, so every run uploads the same bytes), sized
 * so a rebuild takes seconds on a busy 2-core machine.
 */
import { generateDataset, type GenerateOptions } from '@movielens/core';
import type { UploadFile } from './system';

/** Sizes of a fixture dump. Defaults: 20,000 ratings, 400 users, 600 movies, seed 7. */
export type DumpOptions = Partial<Omit<GenerateOptions, 'shape'>>;

/** A synthetic dump: its files (ratings, movies, users) and the exact number of ratings. */
export interface Dump {
  files: UploadFile[];
  ratings: number;
  users: number;
  movies: number;
}

/** Generates a dump in the ML-100K layout (`u.data`, `u.item`, `u.user`). */
export function syntheticDump(options: DumpOptions = {}): Dump {
  const dataset = generateDataset({ shape: 'ml-100k', ratings: 20_000, users: 400, movies: 600, seed: 7, ...options });
  const files = dataset.files.map((f) => ({ name: f.name, bytes: Buffer.concat([...f.chunks()]) }));
  return { files, ratings: dataset.plan.ratings, users: dataset.users.length, movies: dataset.movies.length };
}

/** The lines of a dump's file, without the trailing empty one. */
export function linesOf(file: UploadFile): string[] {
  return Buffer.from(file.bytes).toString('latin1').split('\n').filter((l) => l !== '');
}

/** A file made of `lines`. */
export function fileOf(name: string, lines: string[]): UploadFile {
  return { name, bytes: Buffer.from(`${lines.join('\n')}\n`, 'latin1') };
}
