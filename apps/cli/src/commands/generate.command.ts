import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { generateDataset, InputError, SHAPES, type Shape } from '@movielens/core';
import type { Command, CommandContext } from '../command';

/** Parses an optional non-negative integer option. */
function intOption(ctx: CommandContext, name: string): number | undefined {
  const raw = ctx.args.values[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) throw new InputError(`--${name} must be a whole number, got '${String(raw)}'`);
  return Number(raw);
}

/** Writes chunks to `path` with backpressure, via a temporary name so no half file is left. */
async function writeFile(path: string, chunks: Iterable<Uint8Array>): Promise<number> {
  const partial = `${path}.partial`;
  const stream = createWriteStream(partial);
  let bytes = 0;
  try {
    for (const chunk of chunks) {
      bytes += chunk.length;
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
    await rename(partial, path);
    return bytes;
  } catch (err) {
    stream.destroy();
    await rm(partial, { force: true });
    throw err;
  }
}

/** `movielens generate`: writes a synthetic dataset in a real release's file layout. */
export const generateCommand: Command = {
  name: 'generate',
  summary: 'Write a synthetic MovieLens-format dataset (ml-1m, ml-100k or ml-25m shape)',
  usage: [
    'Usage: movielens generate --shape ml-1m|ml-100k|ml-25m --out DIR [--seed N] [--ratings N --users N --movies N]',
    '',
    'Writes ratings.dat/movies.dat/users.dat (ml-1m), u.data/u.item/u.user (ml-100k) or',
    'ratings.csv/movies.csv (ml-25m) into DIR. Sizes default to the real release',
    '(ml-1m: 1,000,209 ratings, 6,040 users, 3,883 movies). The same seed gives the same bytes.',
  ].join('\n'),
  options: {
    shape: { type: 'string', default: 'ml-1m' },
    out: { type: 'string' },
    seed: { type: 'string' },
    ratings: { type: 'string' },
    users: { type: 'string' },
    movies: { type: 'string' },
  },
  async run(ctx) {
    const shape = ctx.args.values.shape;
    if (typeof shape !== 'string' || !SHAPES.includes(shape as Shape)) {
      throw new InputError(`--shape must be one of ${SHAPES.join(', ')}, got '${String(shape)}'`);
    }
    const out = ctx.args.values.out;
    if (typeof out !== 'string' || out === '') throw new InputError('--out DIR is required');
    const started = performance.now();
    const dataset = generateDataset({
      shape: shape as Shape,
      seed: intOption(ctx, 'seed'),
      ratings: intOption(ctx, 'ratings'),
      users: intOption(ctx, 'users'),
      movies: intOption(ctx, 'movies'),
    });
    const { plan } = dataset;
    const dir = resolve(out);
    await mkdir(dir, { recursive: true });
    ctx.print(`Generating ${plan.shape}: ${plan.ratings.toLocaleString('en-US')} ratings, ${plan.users.toLocaleString('en-US')} users, ${plan.movies.toLocaleString('en-US')} movies (seed ${plan.seed})`);
    const files = [];
    for (const file of dataset.files) {
      const path = join(dir, file.name);
      const t = performance.now();
      const bytes = await writeFile(path, file.chunks());
      const seconds = (performance.now() - t) / 1000;
      ctx.print(`  ${path}  ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s`);
      files.push({ name: file.name, kind: file.kind, path, bytes, seconds: Number(seconds.toFixed(3)) });
    }
    const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    ctx.print(`Done in ${seconds.toFixed(1)} s`);
    return {
      shape: plan.shape,
      seed: plan.seed,
      out: dir,
      counts: { ratings: plan.ratings, users: plan.users, movies: plan.movies, ratedMovies: plan.ratedMovies },
      files,
      seconds,
    };
  },
};
