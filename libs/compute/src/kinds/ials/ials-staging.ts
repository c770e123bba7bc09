/**
 * What the `ials` kind's training step stages for its row jobs, under its kind version's keys
 * (so a crashed build's leftovers are swept with the version), all dropped before publishing.
 * Names: `ModelTable.ialsStaged(name)` (store keys.ts):
 *
 *   config                       JSON `IalsConfig`
 *   users / movies               CSR of each side { ids Int32, indptr Int32, indices Int32, extra Float32 }
 *   <side>:<iteration>:<part>    { F Float32 (block x k) }: a block of that side's factors after the
 *                                iteration (movies:0 is the seeded start; users start at 0)
 *
 * Round r of the build solves side `users` (r even) or `movies` (r odd) of iteration r/2 + 1.
 */
import type { IalsRows } from '@movielens/core';
import { columnOf, decodeJson, ModelTable, packColumns, unpackColumns, type ModelWriter } from '@movielens/store';
import { z } from 'zod';
import { BuildAbandonedError } from '../../errors';
import type { RowBlock } from '../svd/staging';

/** A side of the matrix: whose factors a round solves. */
export type IalsSide = 'users' | 'movies';

/** The build's fixed facts, staged once by `train`. */
export const ialsConfigSchema = z.object({
  k: z.number().int().min(1),
  alpha: z.number(),
  reg: z.number(),
  confidence: z.enum(['binary', 'rating']),
  cgSteps: z.number().int().min(1),
  iterations: z.number().int().min(1),
  /** Row blocks of each side (one row job each per round). */
  blocks: z.object({ users: z.array(z.object({ part: z.number(), start: z.number(), end: z.number() })), movies: z.array(z.object({ part: z.number(), start: z.number(), end: z.number() })) }),
});

/** The staged `config`. */
export type IalsConfig = z.infer<typeof ialsConfigSchema>;

/** A side's CSR with its MovieLens ids (dense row r is id `ids[r]`). */
export interface IalsSideRows extends IalsRows {
  ids: Int32Array;
}

/** The side and iteration (1-based) that round `round` solves. */
export function roundOf(round: number): { side: IalsSide; iteration: number } {
  return { side: round % 2 === 0 ? 'users' : 'movies', iteration: Math.floor(round / 2) + 1 };
}

/** Table name of a block of `side`'s factors after `iteration`. */
export function factorBlockTable(side: IalsSide, iteration: number, part: number): string {
  return ModelTable.ialsStaged(`${side}:${iteration}:${part}`);
}

/** Every table the build may stage (what is dropped before publishing). */
export function stagedTables(config: IalsConfig): string[] {
  const names = [ModelTable.ialsStaged('config'), ModelTable.ialsStaged('users'), ModelTable.ialsStaged('movies')];
  for (const b of config.blocks.movies) names.push(factorBlockTable('movies', 0, b.part));
  for (let t = 1; t <= config.iterations; t++) {
    for (const side of ['users', 'movies'] as const) for (const b of config.blocks[side]) names.push(factorBlockTable(side, t, b.part));
  }
  return names;
}

/** Stages the config and both sides' CSR. */
export async function stageIalsInputs(writer: ModelWriter, ver: string, config: IalsConfig, sides: Record<IalsSide, IalsSideRows>): Promise<void> {
  await writer.putTable(ver, ModelTable.ialsStaged('config'), JSON.stringify(config));
  for (const side of ['users', 'movies'] as const) {
    const s = sides[side];
    await writer.putTable(ver, ModelTable.ialsStaged(side), packColumns({ ids: s.ids, indptr: s.indptr, indices: s.indices, extra: s.extra }));
  }
}

/** Stages one block of factors. */
export async function putFactorBlock(writer: ModelWriter, ver: string, side: IalsSide, iteration: number, part: number, factors: Float32Array): Promise<void> {
  await writer.putTable(ver, factorBlockTable(side, iteration, part), packColumns({ F: factors }));
}

/** Reads a staged table, or fails the job as abandoned when it is gone. */
async function staged(writer: ModelWriter, ver: string, name: string): Promise<Buffer> {
  const buf = await writer.getTable(ver, name);
  if (buf === null) throw new BuildAbandonedError(`kind version ${ver}: staged ${name} is missing (build abandoned or swept?)`);
  return buf;
}

/** The staged config. */
export async function loadIalsConfig(writer: ModelWriter, ver: string): Promise<IalsConfig> {
  return decodeJson(ialsConfigSchema, (await staged(writer, ver, ModelTable.ialsStaged('config'))).toString('utf8'), `kind version ${ver} staged config`);
}

/** The staged CSR of `side`. */
export async function loadSideRows(writer: ModelWriter, ver: string, side: IalsSide): Promise<IalsSideRows> {
  const t = unpackColumns(await staged(writer, ver, ModelTable.ialsStaged(side)));
  const what = `kind version ${ver} staged ${side} rows`;
  return { ids: columnOf(t, 'ids', Int32Array, what), indptr: columnOf(t, 'indptr', Int32Array, what), indices: columnOf(t, 'indices', Int32Array, what), extra: columnOf(t, 'extra', Float32Array, what) };
}

/** One staged block of factors. */
export async function loadFactorBlock(writer: ModelWriter, ver: string, side: IalsSide, iteration: number, part: number): Promise<Float32Array> {
  const name = factorBlockTable(side, iteration, part);
  return columnOf(unpackColumns(await staged(writer, ver, name)), 'F', Float32Array, `kind version ${ver} staged ${name}`);
}

/** All of `side`'s factors after `iteration`, its blocks put together (rows x k). */
export async function loadFactors(writer: ModelWriter, ver: string, config: IalsConfig, side: IalsSide, iteration: number): Promise<Float32Array> {
  const blocks: readonly RowBlock[] = config.blocks[side];
  const rows = blocks.length === 0 ? 0 : blocks[blocks.length - 1].end;
  const out = new Float32Array(rows * config.k);
  for (const b of blocks) out.set(await loadFactorBlock(writer, ver, side, iteration, b.part), b.start * config.k);
  return out;
}
