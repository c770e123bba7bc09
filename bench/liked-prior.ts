/**
 * The liked prior (libs/core/src/evaluation/liked-prior.ts) on ML-100K, the tables of
 * docs/EVALUATION.md ("Model selection"):
 *
 *   node --import tsx bench/liked-prior.ts prior ials|ease 0,0.25,0.5,1   the prior alone, u1..u5
 *   node --import tsx bench/liked-prior.ts blend 0,0.3,0.5,0.7,1          ease x w + ials x (1 - w), standardized, u1..u5
 *   node --import tsx bench/liked-prior.ts select [--random] [--time-test] selection over ease and ials grids x liked weights 0 / 0.5 / 1
 *
 * `select` runs the selection inside each fold's training data (time split, or a seeded random
 * 10% with --random) and scores the winner on the fold's test set; --time-test replaces the five
 * official folds by one test set of each user's latest 20% of u.data by time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyLikedPrior, crossValidate, easeAlgorithm, ialsAlgorithm, likedPrior, parseFile, randomValidationSplit, selectModel, validationSplit, withLikedPrior,
  type Algorithm, type RatingTable, type SelectionCandidate, type Split,
} from '@movielens/core';

const dir = join(import.meta.dirname, '../../shared/data/ml-100k');
const now = () => performance.now();

async function read(file: string): Promise<RatingTable> {
  const parsed = await parseFile(file, [readFileSync(join(dir, file))]);
  if (parsed.kind !== 'ratings') throw new Error(`${file} is not a ratings file`);
  return parsed.result.table;
}

async function officialFolds(): Promise<Split[]> {
  const out: Split[] = [];
  for (const k of [1, 2, 3, 4, 5]) out.push({ train: await read(`u${k}.base`), test: await read(`u${k}.test`) });
  return out;
}

/** `base` ranked with the liked prior at weight `w`, as the API serves a kind. */
function liked(base: Algorithm, w: number): Algorithm {
  return { name: `${base.name}+liked ${w}`, fit: (t) => withLikedPrior(base.fit(t), likedPrior(t.data), w) };
}

/** ease x w + ials x (1 - w), each standardized per user (the prior's standardization, without the prior). */
function blend(w: number): Algorithm {
  return {
    name: `blend ease ${w}`,
    fit(t) {
      const a = easeAlgorithm(500).fit(t);
      const b = ialsAlgorithm({}).fit(t);
      return {
        predict: a.predict,
        scoreAll(u, out) {
          const x = new Float64Array(out.length);
          // applyLikedPrior with a zero prior and weight 1 only standardizes, in place.
          const none = new Float64Array(out.length);
          a.scoreAll(u, x);
          b.scoreAll(u, out);
          applyLikedPrior(x, none, 1);
          applyLikedPrior(out, none, 1);
          for (let i = 0; i < out.length; i++) out[i] = w * x[i] + (1 - w) * out[i];
        },
      };
    },
  };
}

function print(rows: ReturnType<typeof crossValidate>): void {
  for (const r of rows) console.log(r.algorithm.padEnd(24), 'P@10', r['precision@10'].toFixed(4), 'NDCG@10', r['ndcg@10'].toFixed(4), 'coverage', r.coverage.toFixed(3));
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 'prior') {
  const base = a === 'ease' ? easeAlgorithm(500) : ialsAlgorithm({});
  print(crossValidate(await officialFolds(), (b ?? '0,0.5,1').split(',').map((w) => liked(base, Number(w))), { seed: 42, now }));
} else if (mode === 'blend') {
  print(crossValidate(await officialFolds(), (a ?? '0,0.5,1').split(',').map((w) => blend(Number(w))), { seed: 42, now }));
} else if (mode === 'select') {
  const random = process.argv.includes('--random');
  const candidates: SelectionCandidate[] = [
    ...[250, 500, 1000].map((lambda) => ({ name: 'ease', params: { lambda }, algorithm: easeAlgorithm(lambda), likedWeights: [0, 0.5, 1] })),
    ...[1, 2].flatMap((alpha) => [40, 80].map((reg) => ({ name: 'ials', params: { alpha, reg }, algorithm: ialsAlgorithm({ alpha, reg }), likedWeights: [0, 0.5, 1] }))),
  ];
  const folds = process.argv.includes('--time-test') ? [validationSplit(await read('u.data'), 0.2)] : await officialFolds();
  let n = 0;
  let p = 0;
  for (const [f, fold] of folds.entries()) {
    const split = random ? randomValidationSplit(fold.train, 0.1, 42) : validationSplit(fold.train);
    const { scores, best } = selectModel(split, candidates, { seed: 42, now });
    const win = scores[best];
    const { liked: w, ...point } = win.params;
    const algorithm = win.name === 'ease' ? easeAlgorithm(point.lambda) : ialsAlgorithm({ alpha: point.alpha, reg: point.reg });
    const [row] = crossValidate([fold], [liked(algorithm, w)], { seed: 42, now });
    console.log(`fold ${f + 1}: ${win.name} ${JSON.stringify(win.params)} validation NDCG@10 ${win.ndcg.toFixed(4)}; test P@10 ${row['precision@10'].toFixed(4)} NDCG@10 ${row['ndcg@10'].toFixed(4)}`);
    n += row['ndcg@10'];
    p += row['precision@10'];
  }
  console.log(`mean over ${folds.length}: P@10 ${(p / folds.length).toFixed(4)} NDCG@10 ${(n / folds.length).toFixed(4)}`);
} else {
  console.error('usage: liked-prior.ts prior ials|ease <weights> | blend <weights> | select [--random] [--time-test]');
  process.exit(2);
}
