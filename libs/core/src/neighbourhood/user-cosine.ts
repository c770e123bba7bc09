/**
 * Users most like a given user: cosine similarity of their binary rating rows,
 *
 *   sim(u, v) = |movies both rated| / sqrt(|movies u rated| * |movies v rated|)
 *
 * in [0, 1]. Binary rows rather than centred stars: "rated the same movies" is what the lists
 * are for (people who watch what you watch), it needs no other kind's factors, and on centred
 * stars two users who rated one movie the same way would score as similar as two with hundreds
 * in common. The overlap counts come from the movie -> user index: user u's row walks the raters
 * of each movie u rated, O(sum over u's movies of their raters), never a users x users matrix.
 */
import { TopN } from '../linalg/top-n';
import type { InteractionGraph, NeighbourBlock } from './interaction-graph';

/** Most similar users of a block of users, with the number of movies each pair rated in common. */
export interface SimilarUsersBlock extends NeighbourBlock {
  /** Movies rated by both, parallel to `ids` (0 in padding slots). */
  common: Int32Array;
}

/**
 * The `n` most similar other users (cosine, ties by lower user index) of users
 * [rowStart, rowEnd). Users sharing no movie are not listed (the row is padded with -1).
 */
export function similarUsersRows(graph: InteractionGraph, n: number, rowStart: number, rowEnd: number): SimilarUsersBlock {
  const { userPtr, userMovies, moviePtr, movieUsers } = graph;
  const width = Math.max(1, Math.min(n, graph.users));
  const rows = rowEnd - rowStart;
  const ids = new Int32Array(rows * width);
  const scores = new Float32Array(rows * width);
  const common = new Int32Array(rows * width);
  const overlap = new Int32Array(graph.users);
  const touched = new Int32Array(graph.users);
  const top = new TopN(width);
  for (let u = rowStart; u < rowEnd; u++) {
    let count = 0;
    for (let p = userPtr[u]; p < userPtr[u + 1]; p++) {
      const m = userMovies[p];
      for (let q = moviePtr[m]; q < moviePtr[m + 1]; q++) {
        const v = movieUsers[q];
        if (overlap[v]++ === 0) touched[count++] = v;
      }
    }
    const du = userPtr[u + 1] - userPtr[u];
    // TopN breaks ties by index only when offered in ascending order.
    const list = touched.subarray(0, count).sort();
    for (let t = 0; t < count; t++) {
      const v = list[t];
      if (v !== u) top.offer(v, overlap[v] / Math.sqrt(du * (userPtr[v + 1] - userPtr[v])));
    }
    const base = (u - rowStart) * width;
    top.drainInto(ids, scores, base);
    for (let s = base; s < base + width && ids[s] >= 0; s++) common[s] = overlap[ids[s]];
    for (let t = 0; t < count; t++) overlap[list[t]] = 0;
  }
  return { width, ids, scores, common };
}
