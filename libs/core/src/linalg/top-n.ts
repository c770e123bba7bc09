/**
 * Partial selection of the best `n` candidates from a stream of (index, score), ordered by
 * score descending and then index ascending, with a size-n heap: O(m log n) for m candidates
 * instead of sorting all m. Candidates must be offered in ascending index order: then a later
 * candidate with an equal score always ranks below, so a full heap admits only strictly higher
 * scores and the tie-break costs nothing.
 */
export class TopN {
  private readonly indices: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  /** @param capacity - n, the number of candidates kept */
  constructor(readonly capacity: number) {
    this.indices = new Int32Array(capacity);
    this.scores = new Float64Array(capacity);
  }

  /** Empties the heap for the next row. */
  reset(): void {
    this.size = 0;
  }

  /** Offers a candidate; NaN scores are ignored. */
  offer(index: number, score: number): void {
    if (!(score === score)) return;
    if (this.size < this.capacity) {
      this.siftUp(this.size++, index, score);
    } else if (this.capacity > 0 && score > this.scores[0]) {
      this.siftDown(0, index, score);
    }
  }

  /**
   * Writes the kept candidates, best first, to `indices`/`scores` at `offset` and pads the rest
   * of the `capacity` slots with index -1 and score NaN. Empties the heap.
   */
  drainInto(indices: Int32Array, scores: Float32Array | Float64Array, offset: number): void {
    const count = this.size;
    // Pop the worst repeatedly and fill from the back.
    for (let w = count - 1; w >= 0; w--) {
      indices[offset + w] = this.indices[0];
      scores[offset + w] = this.scores[0];
      const lastIndex = this.indices[this.size - 1];
      const lastScore = this.scores[this.size - 1];
      this.size--;
      if (this.size > 0) this.siftDown(0, lastIndex, lastScore);
    }
    for (let w = count; w < this.capacity; w++) {
      indices[offset + w] = -1;
      scores[offset + w] = Number.NaN;
    }
  }

  /** True when (ia, sa) ranks below (ib, sb): lower score, or equal score and higher index. */
  private worse(ia: number, sa: number, ib: number, sb: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }

  private siftUp(pos: number, index: number, score: number): void {
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!this.worse(index, score, this.indices[parent], this.scores[parent])) break;
      this.indices[pos] = this.indices[parent];
      this.scores[pos] = this.scores[parent];
      pos = parent;
    }
    this.indices[pos] = index;
    this.scores[pos] = score;
  }

  private siftDown(pos: number, index: number, score: number): void {
    const size = this.size;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && this.worse(this.indices[right], this.scores[right], this.indices[child], this.scores[child])) {
        child = right;
      }
      if (!this.worse(this.indices[child], this.scores[child], index, score)) break;
      this.indices[pos] = this.indices[child];
      this.scores[pos] = this.scores[child];
      pos = child;
    }
    this.indices[pos] = index;
    this.scores[pos] = score;
  }
}
