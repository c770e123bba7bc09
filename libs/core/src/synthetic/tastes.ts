/**
 * How demographics shift tastes per genre, in stars added to a rating. The directions follow
 * the gaps reported for the real ML-1M data (women rate Romance and Musicals higher and
 * Action, War, Horror lower; older users favour Film-Noir, War and Westerns, younger ones
 * Horror and Animation); the magnitudes are chosen so analytics show clear gaps.
 */
import { GENRES_ML1M } from '../movielens/codes';

/** Genres the generator uses (the 18 ML-1M genres), indexed 0..17. */
export const GENRES = GENRES_ML1M;

function table(entries: Record<string, number>): Float64Array {
  const t = new Float64Array(GENRES.length);
  for (const [genre, shift] of Object.entries(entries)) t[GENRES.indexOf(genre)] = shift;
  return t;
}

/** Stars women add per genre; men get -0.5 of it (so the women/men gap is 1.5 of it). */
export const FEMALE_SHIFT = table({
  Romance: 0.35,
  Musical: 0.35,
  Drama: 0.15,
  "Children's": 0.2,
  Animation: 0.1,
  Action: -0.3,
  War: -0.3,
  'Sci-Fi': -0.25,
  Horror: -0.3,
  Western: -0.25,
  Crime: -0.1,
  'Film-Noir': -0.1,
});

/** Stars added per genre at the oldest age group; the youngest get the opposite (linear in between). */
export const OLD_AGE_SHIFT = table({
  'Film-Noir': 0.3,
  War: 0.3,
  Western: 0.25,
  Documentary: 0.2,
  Drama: 0.15,
  Mystery: 0.1,
  Horror: -0.35,
  Animation: -0.2,
  "Children's": -0.15,
  'Sci-Fi': -0.1,
  Comedy: -0.05,
});

/** Position of an ML-1M age code on the young (-1) .. old (+1) axis. */
export function ageAxis(ageCode: number): number {
  const axis: Record<number, number> = { 1: -1, 18: -0.6, 25: -0.2, 35: 0.2, 45: 0.5, 50: 0.7, 56: 1 };
  return axis[ageCode] ?? 0;
}

/** Relative frequency of each genre among movies (counts in the real movies.dat). */
export const GENRE_WEIGHTS = table({
  Drama: 1603,
  Comedy: 1200,
  Action: 503,
  Thriller: 492,
  Romance: 471,
  Horror: 343,
  Adventure: 283,
  'Sci-Fi': 276,
  "Children's": 251,
  Crime: 211,
  War: 143,
  Documentary: 127,
  Musical: 114,
  Mystery: 106,
  Animation: 105,
  Western: 68,
  Fantasy: 68,
  'Film-Noir': 44,
});
