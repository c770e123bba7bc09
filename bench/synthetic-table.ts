/**
 * The synthetic dataset of a shape (core `generateDataset`) as one in-memory rating table, for
 * benchmarks that time a model rather than the parsers.
 */
// A relative import, not @movielens/core (the same file here): run from another checkout, a bench times that checkout's core.
import { allocateRatingTable, generateDataset, type RatingTable, type Shape } from '../libs/core/src/index';

/** Every rating of the generated `shape` (seed `seed`, default 42) in file order. */
export function syntheticTable(shape: Shape, seed = 42): RatingTable {
  const dataset = generateDataset({ shape, seed });
  const table = allocateRatingTable(dataset.plan.ratings);
  dataset.forEachRating((user, movie, rating, timestamp) => {
    const i = table.length++;
    table.users[i] = user;
    table.movies[i] = movie;
    table.ratings[i] = rating;
    table.timestamps[i] = timestamp;
  });
  return table;
}
