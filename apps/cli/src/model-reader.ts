/** Shared by the read commands (similar, recommend, analytics): the current model and movie titles. */
import { InputError, NotFoundError, NotReadyError, type Movie } from '@movielens/core';
import { DatasetStore, ModelStore, type ModelMeta } from '@movielens/store';
import type { CliRedis } from './redis-connection';
import { formatTable, type Column } from './table';

/** The model being served and its metadata; NotReadyError when none was built yet. */
export async function currentModel(conn: CliRedis): Promise<{ models: ModelStore; meta: ModelMeta }> {
  const models = new ModelStore(conn.redis, conn.keys);
  const ver = await models.currentVersion();
  const meta = ver === null ? null : await models.meta(ver);
  if (meta === null) throw new NotReadyError('no model has been built yet: run `movielens rebuild` first');
  return { models, meta };
}

/** Movies by id from the model's dataset version (empty when that version is gone). */
export async function movieCatalogue(conn: CliRedis, meta: ModelMeta): Promise<Map<number, Movie>> {
  const datasets = new DatasetStore(conn.redis, conn.keys);
  const movies = (await datasets.meta(meta.datasetVersion)) === null ? [] : await datasets.loadMovies(meta.datasetVersion);
  return new Map(movies.map((m) => [m.id, m]));
}

/** How a movie reads in a table: `Toy Story (1995)`; a movie the catalogue lacks (or an answer's null title) reads `?`. */
export function displayTitle(movie: { title: string | null; year: number | null } | undefined): string {
  if (movie === undefined || movie.title === null) return '?';
  return movie.year === null ? movie.title : `${movie.title} (${movie.year})`;
}

/**
 * The table columns every movie list ends with: the movie id, its title with the year, its
 * genres. `movieOf` picks the movie of a row.
 */
export function movieColumns<Row>(catalogue: Map<number, Movie>, movieIdOf: (row: Row) => number): Column<Row>[] {
  return [
    { header: 'movie id', align: 'right', cell: (r) => String(movieIdOf(r)) },
    { header: 'title', cell: (r) => displayTitle(catalogue.get(movieIdOf(r))) },
    { header: 'genres', cell: (r) => catalogue.get(movieIdOf(r))?.genres.join('|') ?? '' },
  ];
}

/** The rank column (`#`, 1-based) that starts every ranked table. */
export function rankColumn<Row>(): Column<Row> {
  return { header: '#', align: 'right', cell: (_r, i) => String(i + 1) };
}

/** Parses positional ids, naming the bad one. */
export function parseIds(values: string[], what: string): number[] {
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InputError(`'${v}' is not a ${what} id`);
    return n;
  });
}

/** A scored list with titles, as printed by `similar` and `recommend`. */
export interface TitledEntry {
  movieId: number;
  /** Null when the dataset has no title for the movie. */
  title: string | null;
  score: number;
}

/** What differs between `similar` and `recommend`. */
export interface ListSpec {
  /** JSON key of the subject id: `movieId` or `userId`. */
  idKey: 'movieId' | 'userId';
  /** JSON key of the list: `similar` or `recommendations`. */
  listKey: 'similar' | 'recommendations';
  /** `movie` or `user`, for messages. */
  noun: string;
  /** Header of the score column, naming its unit (e.g. `predicted stars`). */
  scoreHeader: string;
  /** The stored list, or null when the subject is not in the model. */
  fetch(models: ModelStore, ver: string, id: number): Promise<{ movieId: number; score: number }[] | null>;
  /** Every subject id of the model (for --all). */
  allIds(models: ModelStore, ver: string): Promise<ArrayLike<number>>;
}

/**
 * Runs `similar` / `recommend`: one JSON object for a single id, an array for several ids or
 * --all; the first `k` entries of each stored list. Unknown ids fail with NotFoundError.
 */
export async function printLists(conn: CliRedis, spec: ListSpec, positionals: string[], k: number, all: boolean, print: (line: string) => void): Promise<unknown> {
  const { models, meta } = await currentModel(conn);
  const ids = all ? Array.from(await spec.allIds(models, meta.id)) : parseIds(positionals, spec.noun);
  if (ids.length === 0) throw new InputError(`name at least one ${spec.noun} id, or --all`);
  const catalogue = await movieCatalogue(conn, meta);
  const columns: Column<TitledEntry>[] = [rankColumn(), { header: spec.scoreHeader, align: 'right', cell: (e) => e.score.toFixed(3) }, ...movieColumns(catalogue, (e: TitledEntry) => e.movieId)];
  const out: Record<string, unknown>[] = [];
  const missing: number[] = [];
  for (const id of ids) {
    const list = await spec.fetch(models, meta.id, id);
    if (list === null) {
      missing.push(id);
      continue;
    }
    const entries: TitledEntry[] = list.slice(0, k).map((e) => ({ movieId: e.movieId, title: catalogue.get(e.movieId)?.title ?? null, score: e.score }));
    out.push({ [spec.idKey]: id, model: meta.id, [spec.listKey]: entries });
    if (!all) {
      const head = spec.idKey === 'movieId' ? `movie ${id} ${catalogue.has(id) ? displayTitle(catalogue.get(id)) : ''}`.trim() : `user ${id}`;
      print(`${head} (model ${meta.id}):`);
      for (const line of formatTable(columns, entries)) print(line);
    }
  }
  if (missing.length > 0) throw new NotFoundError(`${spec.noun}(s) ${missing.join(', ')} not in model ${meta.id}`);
  if (all) print(`${out.length} ${spec.noun}s in model ${meta.id}; use --json for the lists`);
  return ids.length === 1 && !all ? out[0] : out;
}

/** Parses `-k` (entries per list; default 10). */
export function listLength(value: unknown): number {
  const n = Number(value ?? 10);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`-k must be a whole number >= 1, got '${String(value)}'`);
  return n;
}
