/** The user page's "rate for this user" form: what the two fields say, checked before it is sent. */

/** A live rating ready for `POST /users/:id/ratings`. */
export interface LiveRatingInput {
  movieId: number;
  /** Stars; the API checks them against the dataset's scale (whole stars, or halves for CSV releases). */
  rating: number;
}

/**
 * The rating the form's fields describe, or a sentence saying what is wrong with them. Only the
 * shape is checked here (a positive whole movie id, 0.5 to 5 stars in halves); whether the movie
 * exists and the stars fit the dataset's scale is the API's answer.
 */
export function parseLiveRating(movieText: string, starsText: string): LiveRatingInput | string {
  const movieId = Number(movieText.trim());
  if (movieText.trim() === '' || !Number.isInteger(movieId) || movieId <= 0) return 'Enter a movie id (a whole number above 0).';
  const rating = Number(starsText.trim());
  if (starsText.trim() === '' || !Number.isFinite(rating) || rating < 0.5 || rating > 5 || !Number.isInteger(rating * 2)) return 'Give 0.5 to 5 stars, in halves at most.';
  return { movieId, rating };
}
