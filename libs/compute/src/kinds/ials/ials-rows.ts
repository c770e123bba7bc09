/**
 * The `ials` kind's rounds: every round is one half-iteration, split into row jobs that any
 * compute worker takes. A row job solves its block of rows (core `solveIalsBlock`, in a compute
 * thread) against the other side's factors of the latest half, which each process assembles and
 * turns into a Gram matrix once per round (memo), and stages its block. Once a round returned,
 * `nextRound` asks for the next half, or writes the final factor tables after the last one.
 */
import { ialsGram } from '@movielens/core';
import type { RowsJobData } from '@movielens/jobs';
import { ModelTable, packColumns } from '@movielens/store';
import type { RoundContext, RowsContext } from '../model-kind';
import { memoized } from '../row-memo';
import { sharedCopy } from '../../thread/shared-memory';
import { factorBlockTable, loadFactorBlock, loadFactors, loadIalsConfig, loadSideRows, putFactorBlock, roundOf, type IalsConfig, type IalsSide, type IalsSideRows } from './ials-staging';

/** Confidence codes of the stored `settings` column. */
export const CONFIDENCE_CODE = { binary: 0, rating: 1 } as const;

/** The row jobs of round `round` (one per block of its side). */
export function roundRows(ver: string, config: IalsConfig, round: number): RowsJobData[] {
  const { side } = roundOf(round);
  return config.blocks[side].map((b) => ({
    kind: 'ials',
    modelVersion: ver,
    table: side === 'users' ? ModelTable.ialsUsers : ModelTable.ialsMovies,
    part: b.part,
    rowStart: b.start,
    rowEnd: b.end,
    shards: 1,
    // Unused by iALS (a factor block has no list length); the factor count, for the logs.
    n: config.k,
    minCount: 0,
    round,
  }));
}

/** What every row job of a version in this process shares: the config and both sides' rows, in shared memory. */
interface VersionInputs {
  config: IalsConfig;
  rows: Record<IalsSide, IalsSideRows>;
}

/** What every row job of a round in this process shares: the other side's factors and their Gram. */
interface RoundInputs {
  other: Float32Array;
  gram: Float64Array;
}

/** The config and both sides' CSR, read once per version and process (a new version replaces them). */
async function versionInputs(ctx: RowsContext, ver: string): Promise<VersionInputs> {
  return memoized(ctx, `ials-csr:${ver}`, 'ials-csr:', async () => {
    const config = await loadIalsConfig(ctx.writer, ver);
    // In shared memory: every block is handed to a compute thread without a copy.
    const shared = async (side: IalsSide) => {
      const rows = await loadSideRows(ctx.writer, ver, side);
      return { ids: rows.ids, indptr: sharedCopy(rows.indptr), indices: sharedCopy(rows.indices), extra: sharedCopy(rows.extra) };
    };
    return { config, rows: { users: await shared('users'), movies: await shared('movies') } };
  });
}

/** The other side's factors of round `round` and their Gram, read once per process (a new round replaces them). */
async function roundInputs(ctx: RowsContext, ver: string, config: IalsConfig, round: number): Promise<RoundInputs> {
  return memoized(ctx, `ials-round:${ver}:${round}`, 'ials-round:', async () => {
    const { side, iteration } = roundOf(round);
    const otherSide: IalsSide = side === 'users' ? 'movies' : 'users';
    // Users solve against the movies of the previous iteration; movies against this iteration's users.
    const other = await loadFactors(ctx.writer, ver, config, otherSide, side === 'users' ? iteration - 1 : iteration);
    return { other: sharedCopy(other), gram: ialsGram(other, other.length / config.k, config.k) };
  });
}

/** Solves and stages one block of a half-iteration; returns the rows solved. */
export async function writeIalsRows(ctx: RowsContext, job: RowsJobData): Promise<number> {
  const round = job.round ?? 0;
  const { config, rows: both } = await versionInputs(ctx, job.modelVersion);
  const inputs = await roundInputs(ctx, job.modelVersion, config, round);
  const { side, iteration } = roundOf(round);
  // Users start at 0 (no stored block); every other start is the block of the previous iteration.
  const warm = side === 'users' && iteration === 1 ? null : await loadFactorBlock(ctx.writer, job.modelVersion, side, iteration - 1, job.part);
  const { indptr, indices, extra } = both[side];
  const block = await ctx.thread.run({ kind: 'ials-block', input: { indptr, indices, extra, other: inputs.other, gram: inputs.gram, k: config.k, reg: config.reg, start: job.rowStart, end: job.rowEnd, warm, cgSteps: config.cgSteps } });
  await putFactorBlock(ctx.writer, job.modelVersion, side, iteration, job.part, block);
  return job.rowEnd - job.rowStart;
}

/** The staged block a row job writes (deleted if its version was abandoned meanwhile). */
export function ialsRowTables(job: RowsJobData): string[] {
  const { side, iteration } = roundOf(job.round ?? 0);
  return [factorBlockTable(side, iteration, job.part)];
}

/**
 * After round `ctx.round`: the next half's row jobs, dropping the blocks no later round reads
 * (this side's previous iteration); after the last half, the final factor tables. Idempotent.
 */
export async function nextIalsRound(ctx: RoundContext): Promise<RowsJobData[] | null> {
  const config = await loadIalsConfig(ctx.writer, ctx.version);
  const { side, iteration } = roundOf(ctx.round);
  const previous = iteration - 1;
  if (!(side === 'users' && previous === 0)) for (const b of config.blocks[side]) await ctx.writer.dropTable(ctx.version, factorBlockTable(side, previous, b.part));
  if (ctx.round + 1 < 2 * config.iterations) return roundRows(ctx.version, config, ctx.round + 1);
  const users = await loadSideRows(ctx.writer, ctx.version, 'users');
  const movies = await loadSideRows(ctx.writer, ctx.version, 'movies');
  const X = await loadFactors(ctx.writer, ctx.version, config, 'users', config.iterations);
  const Y = await loadFactors(ctx.writer, ctx.version, config, 'movies', config.iterations);
  await ctx.writer.putTable(ctx.version, ModelTable.ialsUsers, packColumns({ userIds: users.ids, X }));
  const settings = Float64Array.from([config.alpha, config.reg, CONFIDENCE_CODE[config.confidence]]);
  await ctx.writer.putTable(ctx.version, ModelTable.ialsMovies, packColumns({ movieIds: movies.ids, Y, settings }));
  ctx.logger.info({ users: users.ids.length, movies: movies.ids.length, k: config.k, iterations: config.iterations }, 'ials factors written');
  return null;
}
