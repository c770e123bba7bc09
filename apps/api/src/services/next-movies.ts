import { lstmNotReady } from '../middleware/errors';
import type { ModelSnapshot } from './model-snapshot';

/** The next `k` movies after `history` (oldest first) by the version's LSTM, excluding the history; 503 when the version has none. */
export async function nextMovies(snap: ModelSnapshot, history: ArrayLike<number>, k: number): Promise<{ movieId: number; title: string | null; score: number }[]> {
  const predictor = await snap.lstm();
  if (predictor === null) throw lstmNotReady(snap.version);
  const next = predictor.recommend(history, k);
  return Array.from(next.movieIds, (movieId, i) => ({ movieId, title: snap.title(movieId), score: next.scores[i] }));
}
