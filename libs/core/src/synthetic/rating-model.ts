/**
 * Who rates what, in which order, when, and how many stars. For each user in id order:
 * pick their movies (popularity x genre taste, without repeats), order them in runs of one
 * genre with every sequel after its original, lay them on a timeline of sessions, and draw
 * each rating from biases + latent factors + genre taste + noise, rounded to the scale.
 */
import { RATING_SCALES } from '../movielens/codes';
import { Random } from '../random';
import { AliasSampler } from './alias';
import { type Catalog, LATENT_DIMS } from './catalog';
import type { Population } from './population';
import type { Plan } from './shapes';
import { GENRES } from './tastes';

/** Receives one rating; called in user order, by time within a user. */
export type RatingSink = (user: number, movie: number, rating: number, timestamp: number) => void;

/** Mean rating before rounding (ML-1M's mean is 3.58). */
const GLOBAL_MEAN = 3.55;
/** Standard deviation of the unexplained part of a rating, stars. */
const NOISE = 0.8;
/** Chance that the next rating continues the session (else a new session starts). */
const SESSION_CONTINUES = 0.93;
/** Mean gap between ratings of one session, and between sessions, seconds. */
const GAP_IN_SESSION = 40;
const GAP_BETWEEN_SESSIONS = 4 * 86400;
/** Above this share of the rated movies a user's picks use one weighted shuffle, not rejection. */
const HEAVY_SHARE = 1 / 6;

/** Which movies each user must rate so that every rated movie gets at least one rating. */
export function assignCoverage(plan: Plan, catalog: Catalog, population: Population, random: Random): Int32Array[] {
  const byActivity = Int32Array.from({ length: plan.users }, (_, u) => u).sort((a, b) => population.counts[b] - population.counts[a]);
  const forced: number[][] = Array.from({ length: plan.users }, () => []);
  const movies = random.shuffle(Int32Array.from(catalog.rated));
  let k = 0;
  for (const m of movies) {
    // Round-robin over users from the most active, skipping users already full.
    for (;;) {
      const u = byActivity[k++ % plan.users];
      if (forced[u].length < population.counts[u]) {
        forced[u].push(m);
        break;
      }
    }
  }
  return forced.map((list) => Int32Array.from(list));
}

/**
 * The ratings of one user at a time: `rateUser(u, sink)` must be called for u = 0, 1, ...
 * in order (one random stream runs through all users). Deterministic for a given `seed`.
 */
export function createRatingStream(
  plan: Plan,
  catalog: Catalog,
  population: Population,
  forced: Int32Array[],
  seed: number,
): (u: number, sink: RatingSink) => void {
  const random = new Random(seed);
  const nMovies = plan.movies;
  const sampler = new AliasSampler(catalog.popularity);
  const stamp = new Int32Array(nMovies).fill(-1);
  const orderKey = new Float64Array(nMovies);
  const chosen = new Int32Array(plan.maxPerUser + 1);
  const runRank = new Float64Array(GENRES.length);
  const scale = RATING_SCALES[plan.spec.release];
  const halfStars = scale.step === 0.5;
  const [windowStart, windowEnd] = plan.spec.window;
  const span = windowEnd - windowStart;
  const G = GENRES.length;
  const affinity = (u: number, m: number): number => {
    let s = 0;
    const a = catalog.genreStart[m];
    const b = catalog.genreStart[m + 1];
    for (let j = a; j < b; j++) s += population.taste[u * G + catalog.genreList[j]];
    return b > a ? s / (b - a) : 0;
  };

  return (u, sink) => {
    const want = population.counts[u];
    let n = 0;
    for (const m of forced[u]) {
      stamp[m] = u;
      chosen[n++] = m;
    }
    if (want > catalog.rated.length * HEAVY_SHARE) {
      n = pickWeightedShuffle(catalog, u, want, n, chosen, stamp, random, affinity);
    } else {
      while (n < want) {
        const m = sampler.draw(random);
        if (stamp[m] === u) continue;
        // Users mostly watch what they like: a genre taste of +0.5 star doubles the odds.
        if (random.next() > acceptance(affinity(u, m))) continue;
        stamp[m] = u;
        chosen[n++] = m;
      }
    }
    // Order: runs of one main genre in a random genre order; 15% of picks fall anywhere.
    for (let g = 0; g < G; g++) runRank[g] = random.next() * G;
    const picks = chosen.subarray(0, n).sort();
    for (const m of picks) {
      const main = catalog.genreList[catalog.genreStart[m]];
      let key = random.next() < 0.15 ? random.next() * G : Math.floor(runRank[main]) + random.next();
      // Movies come in index order, so an original's key is final before its sequel's.
      const orig = catalog.original[m];
      if (orig >= 0 && stamp[orig] === u && orderKey[orig] >= key) key = orderKey[orig] + 1e-6;
      orderKey[m] = key;
    }
    const ordered = Array.from(picks).sort((a, b) => orderKey[a] - orderKey[b]);
    // Timeline: users join early in the window (most ML-1M users joined in 2000) and rate in sessions.
    let t = windowStart + Math.floor(Math.min(0.9, -Math.log(1 - random.next()) * 0.15) * span);
    const userId = population.users[u].id;
    for (const m of ordered) {
      t += random.next() < SESSION_CONTINUES ? 1 + Math.floor(-Math.log(1 - random.next()) * GAP_IN_SESSION) : 600 + Math.floor(-Math.log(1 - random.next()) * GAP_BETWEEN_SESSIONS);
      if (t > windowEnd) t = windowEnd;
      let r = GLOBAL_MEAN + population.bias[u] + catalog.bias[m] + affinity(u, m) + NOISE * random.gaussian();
      for (let k = 0; k < LATENT_DIMS; k++) r += population.factors[u * LATENT_DIMS + k] * catalog.factors[m * LATENT_DIMS + k];
      // Half-star releases: people still mostly give whole stars.
      r = halfStars && random.next() < 0.4 ? Math.round(r * 2) / 2 : Math.round(r);
      sink(userId, catalog.ids[m], Math.min(scale.max, Math.max(scale.min, r)), t);
    }
  };
}

/** Probability of keeping a drawn movie given the user's genre affinity (stars). */
function acceptance(affinity: number): number {
  return 1 / (1 + Math.exp(-1.4 * affinity - 1));
}

/**
 * Weighted sampling without replacement for heavy users (Efraimidis-Spirakis): each rated
 * movie gets key log(U)/w and the largest keys win. O(movies log movies), used rarely.
 */
function pickWeightedShuffle(
  catalog: Catalog,
  u: number,
  want: number,
  n: number,
  chosen: Int32Array,
  stamp: Int32Array,
  random: Random,
  affinity: (u: number, m: number) => number,
): number {
  const candidates: { m: number; key: number }[] = [];
  for (const m of catalog.rated) {
    if (stamp[m] === u) continue;
    const w = catalog.popularity[m] * acceptance(affinity(u, m));
    candidates.push({ m, key: Math.log(1 - random.next()) / w });
  }
  candidates.sort((a, b) => b.key - a.key);
  for (let i = 0; n < want; i++) {
    const m = candidates[i].m;
    stamp[m] = u;
    chosen[n++] = m;
  }
  return n;
}
