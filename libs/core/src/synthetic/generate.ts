/**
 * The synthetic MovieLens generator: files of any size in the ML-1M, ML-100K or ML-25M
 * layout, with the structure real data has (see rating-model.ts). Pure: it yields bytes;
 * callers write them. Seeded: the same options give the same bytes.
 */
import { encodeText, formatMovieLine, formatUserLine, headerLine } from '../movielens/serialize';
import type { FileKind, Movie, User } from '../movielens/types';
import { Random } from '../random';
import { ByteWriter } from './byte-writer';
import { buildCatalog } from './catalog';
import { buildPopulation } from './population';
import { assignCoverage, createRatingStream, type RatingSink } from './rating-model';
import { type GenerateOptions, type Plan, resolvePlan } from './shapes';

/** One file of a synthetic dataset. */
export interface SyntheticFile {
  /** File name of the real release, e.g. `ratings.dat`. */
  name: string;
  kind: FileKind;
  /** The file's bytes in chunks of about 1 MiB, computed lazily; each call starts afresh. */
  chunks(): Generator<Uint8Array>;
}

/** A generated dataset: the plan, the files to write, and direct access to the content. */
export interface SyntheticDataset {
  plan: Plan;
  /** Ratings file first, then movies, then users (absent for the ML-25M shape). */
  files: SyntheticFile[];
  movies: Movie[];
  users: User[];
  /** Calls `sink` for every rating (same values and order as the ratings file). */
  forEachRating(sink: RatingSink): void;
}

/** Seed offset of the ratings stream, so that it does not replay the setup's numbers. */
const RATINGS_STREAM = 0x5bd1e995;

/**
 * Plans a dataset. Movies, users and traits are built now (small); ratings are produced
 * lazily while a ratings file is read, so 25M ratings never sit in memory.
 * @throws InputError for impossible sizes
 */
export function generateDataset(options: GenerateOptions): SyntheticDataset {
  const plan = resolvePlan(options);
  const random = new Random(plan.seed);
  const catalog = buildCatalog(plan, random);
  const population = buildPopulation(plan, random);
  const forced = assignCoverage(plan, catalog, population, random);
  const release = plan.spec.release;
  const startStream = () => createRatingStream(plan, catalog, population, forced, (plan.seed + RATINGS_STREAM) >>> 0);
  const forEachRating = (sink: RatingSink) => {
    const rateUser = startStream();
    for (let u = 0; u < plan.users; u++) rateUser(u, sink);
  };

  const files: SyntheticFile[] = [
    { name: plan.spec.files.ratings, kind: 'ratings', chunks: () => ratingChunks(plan, startStream) },
    { name: plan.spec.files.movies, kind: 'movies', chunks: () => textChunks(plan, headerLine(release, 'movies'), catalog.movies, (m) => formatMovieLine(release, m)) },
  ];
  if (plan.spec.files.users !== null) {
    files.push({ name: plan.spec.files.users, kind: 'users', chunks: () => textChunks(plan, null, population.users, (u) => formatUserLine(release, u)) });
  }
  return { plan, files, movies: catalog.movies, users: population.users, forEachRating };
}

/**
 * Ratings lines written byte by byte, one user at a time: chunks are handed out as they fill,
 * so memory stays at a few MiB however many ratings there are.
 */
function* ratingChunks(plan: Plan, startStream: () => (u: number, sink: RatingSink) => void): Generator<Uint8Array> {
  const ready: Uint8Array[] = [];
  const out = new ByteWriter((chunk) => ready.push(chunk));
  const release = plan.spec.release;
  const header = headerLine(release, 'ratings');
  if (header !== null) out.bytes(encodeText(release, `${header}\n`));
  const sep = release === 'ml-1m' ? COLON : release === 'ml-100k' ? TAB : COMMA;
  const double = release === 'ml-1m';
  const csv = release === 'ml-csv';
  const write: RatingSink = (user, movie, rating, timestamp) => {
    out.uint(user);
    out.byte(sep);
    if (double) out.byte(sep);
    out.uint(movie);
    out.byte(sep);
    if (double) out.byte(sep);
    if (csv) {
      // Like the real ratings.csv: always one decimal (`4.0`, `3.5`).
      out.uint(Math.floor(rating));
      out.byte(DOT);
      out.byte(rating % 1 === 0 ? ZERO : FIVE);
    } else {
      out.uint(rating);
    }
    out.byte(sep);
    if (double) out.byte(sep);
    out.uint(timestamp);
    out.byte(LF);
  };
  const rateUser = startStream();
  for (let u = 0; u < plan.users; u++) {
    rateUser(u, write);
    if (ready.length > 0) yield* ready.splice(0);
  }
  out.flush();
  yield* ready.splice(0);
}

const COLON = 58;
const TAB = 9;
const COMMA = 44;
const DOT = 46;
const ZERO = 48;
const FIVE = 53;
const LF = 10;

/** Movies or users lines, encoded per release (Latin-1 .dat and u.item, UTF-8 CSV). */
function* textChunks<T>(plan: Plan, header: string | null, items: readonly T[], format: (item: T) => string): Generator<Uint8Array> {
  const batch = 4096;
  if (header !== null) yield encodeText(plan.spec.release, `${header}\n`);
  for (let i = 0; i < items.length; i += batch) {
    const text = items.slice(i, i + batch).map((item) => `${format(item)}\n`).join('');
    yield encodeText(plan.spec.release, text);
  }
}
