/**
 * The synthetic movies: ids with gaps like the real files, years, genres, sequels, and the
 * hidden traits ratings are drawn from (bias, latent factors, popularity).
 */
import type { Movie } from '../movielens/types';
import type { Random } from '../random';
import type { Plan } from './shapes';
import { GENRE_WEIGHTS, GENRES } from './tastes';
import { makeTitle, sequelTitle } from './titles';

/** Latent dimensions of the rating model (user and movie factor vectors). */
export const LATENT_DIMS = 8;

/** Zipf exponent and offset of movie popularity: weight of rank r is 1 / (r + OFFSET)^EXPONENT. */
const POPULARITY_EXPONENT = 1.05;
const POPULARITY_OFFSET = 12;
/** Share of movies that continue an earlier one. */
const SEQUEL_SHARE = 0.05;

/** Movies and their hidden traits; arrays are indexed by movie index 0..n-1 (ids ascend with it). */
export interface Catalog {
  movies: Movie[];
  ids: Int32Array;
  /** Genre indices of movie i are genreList[genreStart[i] .. genreStart[i+1]); the first is its main genre. */
  genreStart: Int32Array;
  genreList: Uint8Array;
  /** Stars above or below the global mean. */
  bias: Float64Array;
  /** Row-major movies x LATENT_DIMS. */
  factors: Float64Array;
  /** Sampling weight; 0 for movies nobody rates. */
  popularity: Float64Array;
  /** Index of the movie this one is the sequel of, or -1. */
  original: Int32Array;
  /** Indices of the movies with popularity > 0. */
  rated: Int32Array;
}

/** Draws `n` distinct genres weighted by their real frequency. */
function drawGenres(random: Random, n: number): number[] {
  const chosen: number[] = [];
  let total = 0;
  for (const w of GENRE_WEIGHTS) total += w;
  while (chosen.length < n) {
    let u = random.next() * total;
    let g = 0;
    while (g < GENRES.length - 1 && u >= GENRE_WEIGHTS[g]) u -= GENRE_WEIGHTS[g++];
    if (!chosen.includes(g)) chosen.push(g);
  }
  return chosen;
}

/** Builds the catalog for a plan. */
export function buildCatalog(plan: Plan, random: Random): Catalog {
  const n = plan.movies;
  const csv = plan.spec.release === 'ml-csv';
  const movies: Movie[] = [];
  const ids = new Int32Array(n);
  const genreStart = new Int32Array(n + 1);
  const genreList: number[] = [];
  const bias = new Float64Array(n);
  const factors = new Float64Array(n * LATENT_DIMS);
  const original = new Int32Array(n).fill(-1);
  /** Per series (keyed by its first movie): number of movies so far and the latest one. */
  const series = new Map<number, { count: number; last: number }>();
  const baseTitles: string[] = [];
  for (let i = 0; i < n; i++) {
    ids[i] = Math.floor(i * plan.spec.idStride) + 1;
    let title: string;
    let year: number;
    let genres: number[];
    if (i > 10 && random.next() < SEQUEL_SHARE) {
      // Continue a random earlier movie's series: same genres, similar traits, a later year.
      let first = random.int(i);
      while (original[first] >= 0) first = original[first];
      const known = series.get(first) ?? { count: 1, last: first };
      const count = known.count + 1;
      const previous = known.last;
      series.set(first, { count, last: i });
      original[i] = previous;
      title = sequelTitle(baseTitles[first], count);
      year = Math.min(plan.spec.lastYear, (movies[previous].year ?? plan.spec.lastYear) + 1 + random.int(4));
      genres = genreList.slice(genreStart[previous], genreStart[previous + 1]);
      for (let k = 0; k < LATENT_DIMS; k++) factors[i * LATENT_DIMS + k] = factors[previous * LATENT_DIMS + k] + 0.1 * random.gaussian();
      bias[i] = bias[previous] - 0.15 + 0.2 * random.gaussian();
    } else {
      title = makeTitle(random, csv);
      year = Math.max(1919, plan.spec.lastYear - Math.floor(-Math.log(1 - random.next()) * 12));
      const u = random.next();
      genres = drawGenres(random, u < 0.5 ? 1 : u < 0.82 ? 2 : u < 0.96 ? 3 : 4);
      for (let k = 0; k < LATENT_DIMS; k++) factors[i * LATENT_DIMS + k] = 0.35 * random.gaussian();
      bias[i] = 0.55 * random.gaussian();
    }
    baseTitles.push(title);
    genreList.push(...genres);
    genreStart[i + 1] = genreList.length;
    // Files list genres in the fixed genre order, like movies.dat.
    movies.push({ id: ids[i], title, year, genres: [...genres].sort((a, b) => a - b).map((g) => GENRES[g]) });
  }
  const { popularity, rated } = assignPopularity(n, plan.ratedMovies, random);
  // Popular movies are liked a bit more (true of the real data too).
  for (const i of rated) bias[i] += 0.08 * Math.log(popularity[i] * n);
  return { movies, ids, genreStart, genreList: Uint8Array.from(genreList), bias, factors, popularity, original, rated };
}

/** Zipf weights over a random order of `rated` movies; the others get weight 0. */
function assignPopularity(n: number, ratedCount: number, random: Random): { popularity: Float64Array; rated: Int32Array } {
  const order = random.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const popularity = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < ratedCount; r++) {
    const w = 1 / Math.pow(r + POPULARITY_OFFSET, POPULARITY_EXPONENT);
    popularity[order[r]] = w;
    sum += w;
  }
  for (let r = 0; r < ratedCount; r++) popularity[order[r]] /= sum;
  const rated = order.slice(0, ratedCount).sort();
  return { popularity, rated };
}
