import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import type { RatingTable } from '../movielens/types';
import { Random } from '../random';
import { lstmLayout } from './layout';
import { deserializeLstm, serializeLstm, type LstmHeader, type LstmModel } from './model';
import { LstmPredictor, topK } from './predictor';
import { PopularitySampler } from './sampler';
import { buildUserSequences } from './sequences';
import { LSTM_WIDE_MAX_RATINGS, lstmCapacity, trainLstm } from './train';

/**
 * Users walk a fixed cycle of movies 1 -> 2 -> ... -> 12 -> 1 from a random start, rating one
 * movie per second: the next movie is fully determined by the last one, which a
 * sequence model must learn and a popularity model cannot (all movies are equally popular).
 */
function cyclicTable(users: number, length: number, movies: number, seed: number): RatingTable {
  const random = new Random(seed);
  const n = users * length;
  const table: RatingTable = {
    length: n, users: new Int32Array(n), movies: new Int32Array(n), ratings: new Float32Array(n), timestamps: new Uint32Array(n),
  };
  for (let u = 0; u < users; u++) {
    const start = random.int(movies);
    for (let t = 0; t < length; t++) {
      // Rows are stored newest first so that ordering by timestamp is really exercised.
      const r = u * length + (length - 1 - t);
      table.users[r] = u + 1;
      table.movies[r] = ((start + t) % movies) + 1;
      table.ratings[r] = 4;
      table.timestamps[r] = 1_000_000 + t;
    }
  }
  return table;
}

/**
 * Users walk 12 movies where the rating decides the next movie: after a movie rated 5 stars
 * comes the next one (m + 1), after one rated 1 star the user jumps to m + 5 (they did not
 * want more of the same). Ratings are 1 or 5 at random, so the movie alone predicts the next
 * one only half of the time.
 */
function ratingBranchTable(users: number, length: number, seed: number): RatingTable {
  const random = new Random(seed);
  const n = users * length;
  const table: RatingTable = {
    length: n, users: new Int32Array(n), movies: new Int32Array(n), ratings: new Float32Array(n), timestamps: new Uint32Array(n),
  };
  for (let u = 0; u < users; u++) {
    let m = random.int(12);
    for (let t = 0; t < length; t++) {
      const r = u * length + t;
      const stars = random.next() < 0.5 ? 1 : 5;
      table.users[r] = u + 1;
      table.movies[r] = m + 1;
      table.ratings[r] = stars;
      table.timestamps[r] = 1_000_000 + t;
      m = (m + (stars === 5 ? 1 : 5)) % 12;
    }
  }
  return table;
}

describe('buildUserSequences', () => {
  it('orders each user by timestamp, ties by table row, and maps ids to ascending dense indices', () => {
    const table: RatingTable = {
      length: 5,
      users: Int32Array.from([7, 3, 7, 7, 3]),
      movies: Int32Array.from([50, 10, 20, 30, 50]),
      ratings: Float32Array.from([1, 2, 3, 4, 5]),
      timestamps: Uint32Array.from([300, 100, 100, 300, 50]),
    };
    const s = buildUserSequences(table);
    expect([...s.userIds]).toEqual([3, 7]);
    expect([...s.movieIds]).toEqual([10, 20, 30, 50]);
    expect([...s.offsets]).toEqual([0, 2, 5]);
    // user 3: movie 50 (t=50), 10 (t=100); user 7: 20 (t=100), 50 (t=300, row 0), 30 (t=300, row 3)
    expect([...s.items]).toEqual([3, 0, 1, 3, 2]);
    expect([...s.rows]).toEqual([4, 1, 2, 0, 3]);
  });
});

describe('PopularitySampler', () => {
  it('draws movies with frequency proportional to count^alpha (within 4 standard errors)', () => {
    const counts = [100, 10, 1, 0, 50];
    const sampler = new PopularitySampler(counts, 0.75);
    const random = new Random(5);
    const draws = new Int32Array(200_000);
    sampler.fill(random, draws);
    const freq = new Float64Array(counts.length);
    for (const m of draws) freq[m]++;
    const weights = counts.map((c) => Math.max(c, 1) ** 0.75);
    const total = weights.reduce((a, b) => a + b, 0);
    for (let m = 0; m < counts.length; m++) {
      const p = weights[m] / total;
      expect(sampler.q[m]).toBeCloseTo(p, 12);
      const se = Math.sqrt((p * (1 - p)) / draws.length);
      expect(Math.abs(freq[m] / draws.length - p)).toBeLessThan(4 * se);
    }
  });
});

describe('topK', () => {
  it('returns the k best non-excluded indices, best first, ties by lower index', () => {
    const scores = Float32Array.from([0.5, 2, 2, -1, 3, 0.5]);
    const excluded = Uint8Array.from([0, 0, 0, 0, 1, 0]);
    expect([...topK(scores, excluded, 4)]).toEqual([1, 2, 0, 5]);
    expect([...topK(scores, excluded, 10)]).toEqual([1, 2, 0, 5, 3]);
    expect([...topK(scores, excluded, 0)]).toEqual([]);
  });
});

describe('trainLstm', () => {
  const table = cyclicTable(60, 40, 12, 6);
  const options = { embeddingDim: 16, hidden: 16, negatives: 8, epochs: 6, window: 10, learningRate: 0.01, seed: 7 };

  it('sizes the model by the training set when no size is given: 64 wide with 512 negatives up to LSTM_WIDE_MAX_RATINGS ratings, 32 with 64 above', async () => {
    expect(LSTM_WIDE_MAX_RATINGS).toBe(250_000);
    expect(lstmCapacity(LSTM_WIDE_MAX_RATINGS)).toEqual({ embeddingDim: 64, hidden: 64, negatives: 512 });
    expect(lstmCapacity(LSTM_WIDE_MAX_RATINGS + 1)).toEqual({ embeddingDim: 32, hidden: 32, negatives: 64 });
    const wide = await trainLstm(table, { epochs: 1, window: 10, seed: 7 });
    expect([wide.shape.embeddingDim, wide.shape.hidden]).toEqual([64, 64]);
    // An explicit size wins over the rule.
    const narrow = await trainLstm(table, { epochs: 1, window: 10, seed: 7, hidden: 8 });
    expect([narrow.shape.embeddingDim, narrow.shape.hidden]).toEqual([64, 8]);
  });

  it('learns a deterministic cycle: the true next movie ranks first for most histories', async () => {
    const losses: number[] = [];
    const model = await trainLstm(table, { ...options, onEpoch: (_e, loss) => losses.push(loss) });
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.5);
    const predictor = new LstmPredictor(model);
    let correct = 0;
    for (let start = 1; start <= 12; start++) {
      const history = [start, (start % 12) + 1, ((start + 1) % 12) + 1];
      const next = ((start + 2) % 12) + 1;
      const top = predictor.recommend(history, 3);
      expect(top.movieIds).not.toContain(start);
      if (top.movieIds[0] === next) correct++;
    }
    // Chance is 1/9 (9 unseen movies); a learned cycle gets (nearly) all 12.
    expect(correct).toBeGreaterThanOrEqual(10);
  });

  it('reads each step\'s rating: after a 1-star movie it suggests what 1-star movies are followed by, unlike the movies-only model', async () => {
    const branching = ratingBranchTable(60, 40, 9);
    const correct = async (ratings: boolean) => {
      const predictor = new LstmPredictor(await trainLstm(branching, { ...options, ratings }));
      expect(predictor.readsRatings).toBe(ratings);
      let hits = 0;
      for (let m = 0; m < 12; m++) {
        for (const stars of [1, 5]) {
          const next = ((m + (stars === 5 ? 1 : 5)) % 12) + 1;
          if (predictor.recommend([m + 1], 1, Number.POSITIVE_INFINITY, [stars]).movieIds[0] === next) hits++;
        }
      }
      return hits;
    };
    // 24 cases. Reading the rating, (nearly) all are right; the movies-only model can get at
    // most one of each pair (same input, two answers): 12.
    expect(await correct(true)).toBeGreaterThanOrEqual(21);
    expect(await correct(false)).toBeLessThanOrEqual(12);
  });

  it('rejects a zero window or hidden size and a negative learning rate with InputError', async () => {
    await expect(trainLstm(table, { ...options, window: 0 })).rejects.toThrow(/window must be a whole number/);
    await expect(trainLstm(table, { ...options, hidden: 2.5 })).rejects.toThrow(InputError);
    await expect(trainLstm(table, { ...options, learningRate: -1 })).rejects.toThrow(/learningRate/);
  });

  it('is bit-reproducible for a seed in one thread', async () => {
    const a = await trainLstm(table, { ...options, epochs: 1 });
    const b = await trainLstm(table, { ...options, epochs: 1 });
    expect(Buffer.from(a.weights.buffer).equals(Buffer.from(b.weights.buffer))).toBe(true);
  });

  it('trains with two worker threads over shared weights (Hogwild) and still learns the cycle', async () => {
    const model = await trainLstm(table, { ...options, threads: 2 });
    const predictor = new LstmPredictor(model);
    let correct = 0;
    for (let start = 1; start <= 12; start++) {
      const top = predictor.recommend([start, (start % 12) + 1], 1);
      if (top.movieIds[0] === ((start + 1) % 12) + 1) correct++;
    }
    expect(correct).toBeGreaterThanOrEqual(10);
  });
});

describe('serializeLstm / deserializeLstm', () => {
  const shape = { numMovies: 4, embeddingDim: 2, hidden: 3 };
  const model: LstmModel = {
    shape,
    movieIds: Int32Array.from([3, 8, 9, 40]),
    weights: Float32Array.from({ length: lstmLayout(shape).size }, (_, i) => Math.sin(i)),
  };

  it('round-trips through raw little-endian bytes (as stored in Redis) and predicts identically', () => {
    const s = serializeLstm(model);
    const header = JSON.parse(JSON.stringify(s.header));
    const back = deserializeLstm(header, Buffer.from(s.movieIds.buffer), Buffer.from(s.weights.buffer));
    expect(back.shape).toEqual(shape);
    expect([...back.movieIds]).toEqual([...model.movieIds]);
    expect([...back.weights]).toEqual([...model.weights]);
    const a = new LstmPredictor(model).recommend([8, 3], 2);
    const b = new LstmPredictor(back).recommend([8, 3], 2);
    expect([...b.movieIds]).toEqual([...a.movieIds]);
    expect([...b.scores]).toEqual([...a.scores]);
  });

  it('stores a rating-reading model as lstm-v2 and reads it back; an lstm-v1 header still decodes', () => {
    const rated = { ...shape, ratingLevels: 11 };
    const v2: LstmModel = { shape: rated, movieIds: model.movieIds, weights: Float32Array.from({ length: lstmLayout(rated).size }, (_, i) => Math.cos(i)) };
    const s = serializeLstm(v2);
    expect(s.header).toEqual({ format: 'lstm-v2', ...rated });
    const back = deserializeLstm(JSON.parse(JSON.stringify(s.header)), Buffer.from(s.movieIds.buffer), Buffer.from(s.weights.buffer));
    expect(back.shape).toEqual(rated);
    expect([...back.weights]).toEqual([...v2.weights]);
    // A header written before rating inputs existed (format lstm-v1, no ratingLevels).
    const v1 = serializeLstm(model);
    expect(v1.header.format).toBe('lstm-v1');
    expect(deserializeLstm({ format: 'lstm-v1', numMovies: 4, embeddingDim: 2, hidden: 3 }, Buffer.from(v1.movieIds.buffer), Buffer.from(v1.weights.buffer)).shape).toEqual(shape);
  });

  it('refuses a format it does not know, or an lstm-v2 header without rating levels, naming the problem', () => {
    const s = serializeLstm(model);
    const header = { ...s.header, format: 'lstm-v3' } as unknown as LstmHeader;
    expect(() => deserializeLstm(header, Buffer.from(s.movieIds.buffer), Buffer.from(s.weights.buffer))).toThrow(/unknown LSTM model format lstm-v3 \(this code reads lstm-v1, lstm-v2\)/);
    expect(() => deserializeLstm({ ...s.header, format: 'lstm-v2' }, Buffer.from(s.movieIds.buffer), Buffer.from(s.weights.buffer))).toThrow(/ratingLevels/);
  });

  it('rejects weights whose byte length does not match the header', () => {
    const s = serializeLstm(model);
    expect(() => deserializeLstm(s.header, Buffer.from(s.movieIds.buffer), new Uint8Array(8))).toThrow(InputError);
    expect(() => deserializeLstm({ ...s.header, hidden: 4 }, Buffer.from(s.movieIds.buffer), Buffer.from(s.weights.buffer))).toThrow(/expected/);
  });
});
