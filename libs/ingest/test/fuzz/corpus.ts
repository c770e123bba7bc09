/**
 * Unmutated uploads the ingest fuzzer starts from: real ML-100K files (../shared/data, when
 * present: a window of u.data with the full u.item and u.user, which are Latin-1 and ASCII) and
 * small synthetic datasets of the three formats (libs/core/src/synthetic: ML-1M `::` with Latin-1
 * titles, ML-100K, CSV with quoted titles). Files are listed ratings first, as uploaded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDataset, type Shape } from '@movielens/core';

/** The bases a case can start from. */
export const BASES = ['ml-100k-real', 'ml-1m-synthetic', 'ml-100k-synthetic', 'csv-synthetic'] as const;
export type Base = (typeof BASES)[number];

/** A file of an upload. */
export interface UploadFile {
  name: string;
  bytes: Buffer;
}

const SHAPE: Record<Exclude<Base, 'ml-100k-real'>, Shape> = { 'ml-1m-synthetic': 'ml-1m', 'ml-100k-synthetic': 'ml-100k', 'csv-synthetic': 'ml-25m' };
const cache = new Map<string, UploadFile[]>();

/** The real ML-100K files of `dir`, u.data cut to `lines` lines from line `from` (fractions in millionths). */
function realMl100k(dir: string, variant: number): UploadFile[] {
  const data = readFileSync(join(dir, 'u.data'));
  const lines = data.toString('latin1').split('\n');
  const count = 200 + (variant % 600);
  const from = Math.floor(((variant * 7919) % 1_000_000) / 1_000_000 * (lines.length - count - 1));
  return [
    { name: 'u.data', bytes: Buffer.from(`${lines.slice(from, from + count).join('\n')}\n`, 'latin1') },
    { name: 'u.item', bytes: readFileSync(join(dir, 'u.item')) },
    { name: 'u.user', bytes: readFileSync(join(dir, 'u.user')) },
  ];
}

/** A small synthetic dataset of one shape (400 ratings, 20 users, 40 movies), seeded by `variant`. */
function synthetic(shape: Shape, variant: number): UploadFile[] {
  const dataset = generateDataset({ shape, seed: variant % 16, ratings: 400, users: 20, movies: 40 });
  return dataset.files.map((f) => ({ name: f.name, bytes: Buffer.concat([...f.chunks()]) }));
}

/**
 * The files of `base` (variant picks the u.data window or the synthetic seed), or undefined
 * for the real base when `ml100kDir` is absent.
 */
export function baseFiles(base: Base, variant: number, ml100kDir: string | undefined): UploadFile[] | undefined {
  const key = `${base}/${base === 'ml-100k-real' ? variant : variant % 16}`;
  let files = cache.get(key);
  if (files === undefined) {
    if (base === 'ml-100k-real') {
      if (ml100kDir === undefined) return undefined;
      files = realMl100k(ml100kDir, variant);
    } else {
      files = synthetic(SHAPE[base], variant);
    }
    if (cache.size > 64) cache.clear();
    cache.set(key, files);
  }
  return files;
}
