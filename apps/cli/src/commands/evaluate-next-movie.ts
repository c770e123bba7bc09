import { availableParallelism } from 'node:os';
import { evaluateNextMovie, InputError, NEXT_MOVIE_ALGORITHMS, type NextMovieAlgorithm, type NextMovieRow, type RatingTable } from '@movielens/core';
import type { CommandContext } from '../command';
import { createProgress, type Progress } from '../progress';

/** True when `name` is a next-movie algorithm. */
function isNextMovieAlgorithm(name: string): name is NextMovieAlgorithm {
  return (NEXT_MOVIE_ALGORITHMS as readonly string[]).includes(name);
}

/** Formats the next-movie results as an aligned text table. */
function formatRows(rows: NextMovieRow[]): string[] {
  const header = ['algorithm', 'HR@10', 'NDCG@10', 'fit s', 'users'];
  const cells = rows.map((r) => [r.algorithm, r['hr@10'].toFixed(4), r['ndcg@10'].toFixed(4), r.fitSeconds.toFixed(1), String(r.users)]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
}

/**
 * `movielens evaluate --task next-movie`: leave-last-out per user (the last rated movie by
 * timestamp is the target), HR@10 and NDCG@10 over all movies the user has not seen.
 */
export async function evaluateNextMovieTask(ctx: CommandContext, table: RatingTable, source: string, seed: number, algorithmList: string | undefined) {
  const names = algorithmList === undefined ? [...NEXT_MOVIE_ALGORITHMS] : algorithmList.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !isNextMovieAlgorithm(n));
  if (unknown.length > 0) throw new InputError(`unknown next-movie algorithm ${unknown.join(', ')}; choose from ${NEXT_MOVIE_ALGORITHMS.join(', ')}`);
  ctx.print(`Next-movie evaluation of ${names.join(', ')} on ${source} (leave-last-out, seed ${seed})`);
  const bars = new Map<string, Progress>();
  const rows = await evaluateNextMovie(table, {
    algorithms: names as NextMovieAlgorithm[],
    seed,
    now: () => performance.now(),
    lstm: { threads: Math.min(2, availableParallelism()) },
    onProgress: ({ algorithm, phase, done, total }) => {
      const label = `${algorithm} ${phase}`;
      if (!bars.has(label)) bars.set(label, createProgress(ctx, label));
      const bar = bars.get(label)!;
      bar.update(done, total, label);
      if (done === total) bar.stop();
    },
  });
  for (const line of formatRows(rows)) ctx.print(line);
  return { task: 'next-movie', source, seed, results: rows.map(({ algorithm, fitSeconds, ...rest }) => ({ algorithm, 'hr@10': rest['hr@10'], 'ndcg@10': rest['ndcg@10'], fitSeconds, users: rest.users })) };
}
