import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defaultEvaluation, evaluationCatalogue } from '@movielens/compute';
import { crossValidate, InputError, kFoldSplits, parseFile, type AlgorithmResult, type RatingTable, type Split } from '@movielens/core';
import type { Command, CommandContext } from '../command';
import { createProgress, type Progress } from '../progress';
import { evaluateNextMovieTask } from './evaluate-next-movie';

/** Ratings files tried, in order, when cross-validating a folder. */
const RATINGS_FILES = ['ratings.dat', 'ratings.csv', 'u.data'];
/** The ML-100K official 5-fold splits (GroupLens `mku.sh`: u1..u5 .base/.test). */
const OFFICIAL_FOLDS = [1, 2, 3, 4, 5];

/** Parses a ratings file with the core parsers (any bad line rejects it, naming file and line). */
async function readRatings(path: string, name: string): Promise<RatingTable> {
  const parsed = await parseFile(name, createReadStream(path));
  if (parsed.kind !== 'ratings') throw new InputError(`${name}: expected a ratings file, found ${parsed.kind}`);
  return parsed.result.table;
}

/** Parses a whole-number option of at least `min`, or returns `fallback` when absent. */
function intOption(ctx: CommandContext, name: string, fallback: number, min: number): number {
  const raw = ctx.args.values[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || Number(raw) < min) throw new InputError(`--${name} must be a whole number >= ${min}, got '${String(raw)}'`);
  return Number(raw);
}

/** The folder's ratings file, whole (for the next-movie task). */
async function loadRatings(dir: string): Promise<{ table: RatingTable; source: string }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new InputError(`${dir}: not a readable folder`, [], { cause: err });
  }
  const file = RATINGS_FILES.find((n) => names.includes(n));
  if (file === undefined) throw new InputError(`${dir}: no ratings file (looked for ${RATINGS_FILES.join(', ')})`);
  return { table: await readRatings(join(dir, file), file), source: join(dir, file) };
}

/** The splits to run: the official u1..u5 files, or seeded k folds of the folder's ratings file. */
async function loadSplits(dir: string, official: boolean, folds: number, seed: number): Promise<{ splits: Split[]; source: string }> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new InputError(`${dir}: not a readable folder`, [], { cause: err });
  }
  if (official) {
    const missing = OFFICIAL_FOLDS.flatMap((k) => [`u${k}.base`, `u${k}.test`]).filter((n) => !names.includes(n));
    if (missing.length > 0) throw new InputError(`${dir}: --official needs the ML-100K split files; missing ${missing.join(', ')}`);
    const splits: Split[] = [];
    for (const k of OFFICIAL_FOLDS) {
      splits.push({ train: await readRatings(join(dir, `u${k}.base`), `u${k}.base`), test: await readRatings(join(dir, `u${k}.test`), `u${k}.test`) });
    }
    return { splits, source: 'ML-100K official splits u1..u5' };
  }
  const file = RATINGS_FILES.find((n) => names.includes(n));
  if (file === undefined) throw new InputError(`${dir}: no ratings file (looked for ${RATINGS_FILES.join(', ')})`);
  const table = await readRatings(join(dir, file), file);
  return { splits: kFoldSplits(table, folds, seed), source: `${file}, ${folds}-fold cross-validation (seed ${seed})` };
}

/** Formats the results as an aligned text table. */
function formatTable(results: AlgorithmResult[]): string[] {
  const header = ['algorithm', 'RMSE', 'MAE', 'P@10', 'R@10', 'NDCG@10', 'coverage', 'fit s', 'predict s'];
  const rows = results.map((r) => [
    r.algorithm,
    r.rmse.toFixed(4),
    r.mae.toFixed(4),
    r['precision@10'].toFixed(4),
    r['recall@10'].toFixed(4),
    r['ndcg@10'].toFixed(4),
    r.coverage.toFixed(4),
    r.fitSeconds.toFixed(2),
    r.predictSeconds.toFixed(2),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** `movielens evaluate`: offline accuracy of every algorithm by cross-validation. */
export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'Cross-validate the recommenders (RMSE, MAE, precision/recall/NDCG@10, coverage)',
  usage: [
    'Usage: movielens evaluate <folder> [--task rating|next-movie] [--folds N | --official] [--algorithms a,b] [--seed N] [--lstm-epochs N] [--lstm-size N] [--lstm-negatives N] [--json]',
    '',
    'Trains each algorithm on each fold and reports the mean over folds of RMSE and MAE (held-out',
    'ratings), precision@10, recall@10 and NDCG@10 (full ranking of every movie the user did not',
    'rate in training; relevant = held-out rating >= 4), catalogue coverage of the top-10 lists,',
    'and fit/predict seconds. Default: 5 folds of the folder\'s ratings file, shuffled with --seed',
    '(default 42). --official uses the ML-100K files u1..u5.base/.test instead.',
    `Algorithms: the baselines and every model kind's: ${[...evaluationCatalogue().keys()].join(', ')} (default: ${defaultEvaluation().join(', ')}).`,
    '',
    '--task next-movie: leave-last-out per user (the last rated movie by timestamp is the target),',
    'HR@10 and NDCG@10 over all unseen movies, for popularity, last-item-similar, mf and lstm.',
    '--lstm-epochs N: epochs of the lstm (default 8); --lstm-size N: its embedding and hidden',
    'size (default 64 up to 250,000 ratings, else 32), with 2N sampled negatives unless',
    '--lstm-negatives N (default 512 up to 250,000 ratings, else 64); --json rows are',
    '{ algorithm, "hr@10", "ndcg@10", fitSeconds, users }.',
  ].join('\n'),
  options: {
    task: { type: 'string', default: 'rating' },
    folds: { type: 'string' },
    official: { type: 'boolean', default: false },
    algorithms: { type: 'string' },
    seed: { type: 'string' },
    'lstm-epochs': { type: 'string' },
    'lstm-size': { type: 'string' },
    'lstm-negatives': { type: 'string' },
  },
  async run(ctx) {
    const folder = ctx.args.positionals[0];
    if (folder === undefined) throw new InputError('a dataset folder is required: movielens evaluate <folder>');
    const task = String(ctx.args.values.task);
    if (task !== 'rating' && task !== 'next-movie') throw new InputError(`--task must be rating or next-movie, got '${task}'`);
    const official = ctx.args.values.official === true;
    if (official && ctx.args.values.folds !== undefined) throw new InputError('--official and --folds exclude each other (the official splits are 5 folds)');
    const folds = intOption(ctx, 'folds', 5, 2);
    const seed = intOption(ctx, 'seed', 42, 0);
    const lstmEpochs = ctx.args.values['lstm-epochs'] === undefined ? undefined : intOption(ctx, 'lstm-epochs', 8, 1);
    const lstmSize = ctx.args.values['lstm-size'] === undefined ? undefined : intOption(ctx, 'lstm-size', 32, 1);
    const lstmNegatives = ctx.args.values['lstm-negatives'] === undefined ? undefined : intOption(ctx, 'lstm-negatives', 64, 1);
    if (task === 'next-movie') {
      if (official || ctx.args.values.folds !== undefined) throw new InputError('--task next-movie uses leave-last-out; --official and --folds do not apply');
      const { table, source } = await loadRatings(resolve(folder));
      const algorithms = typeof ctx.args.values.algorithms === 'string' ? ctx.args.values.algorithms : undefined;
      return evaluateNextMovieTask(ctx, table, { source, seed, algorithms, lstmEpochs, lstmSize, lstmNegatives });
    }
    if (lstmEpochs !== undefined || lstmSize !== undefined || lstmNegatives !== undefined) throw new InputError('--lstm-epochs, --lstm-size and --lstm-negatives apply to --task next-movie only');
    const catalogue = evaluationCatalogue();
    const names = typeof ctx.args.values.algorithms === 'string' ? ctx.args.values.algorithms.split(',').map((s) => s.trim()) : defaultEvaluation();
    const unknown = names.filter((n) => !catalogue.has(n));
    if (unknown.length > 0) throw new InputError(`unknown algorithm ${unknown.join(', ')}; choose from ${[...catalogue.keys()].join(', ')}`);

    const dir = resolve(folder);
    const { splits, source } = await loadSplits(dir, official, folds, seed);
    ctx.print(`Evaluating ${names.join(', ')} on ${dir} (${source})`);
    const bars: Progress[] = [];
    const results = crossValidate(splits, names.map((n) => catalogue.get(n)!()), {
      now: () => performance.now(),
      seed,
      onProgress: (e) => {
        bars[e.fold] ??= createProgress(ctx, `fold ${e.fold + 1}/${e.folds}`);
        bars[e.fold].update(e.done, e.total, e.label);
        if (e.done === e.total) bars[e.fold].stop();
      },
    });
    for (const line of formatTable(results)) ctx.print(line);
    return { source, folds: splits.length, seed, results };
  },
};
