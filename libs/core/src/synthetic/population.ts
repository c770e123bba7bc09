/**
 * The synthetic users: demographics drawn from the real ML-1M / ML-100K proportions, hidden
 * traits (bias, latent factors, per-genre taste shifted by gender and age), and how many
 * ratings each gives (heavy-tailed, at least plan.minPerUser, summing exactly to plan.ratings).
 */
import { AGE_GROUPS_ML1M, ageGroupLabel, OCCUPATIONS_ML100K, OCCUPATIONS_ML1M } from '../movielens/codes';
import type { User } from '../movielens/types';
import type { Random } from '../random';
import { LATENT_DIMS } from './catalog';
import type { Plan } from './shapes';
import { ageAxis, FEMALE_SHIFT, GENRES, OLD_AGE_SHIFT } from './tastes';

/** Counts per age code in the real users.dat (1, 18, 25, 35, 45, 50, 56). */
const AGE_COUNTS = [222, 1103, 2096, 1193, 550, 496, 380];
/** Counts per occupation code 0..20 in the real users.dat. */
const OCCUPATION_COUNTS_ML1M = [711, 528, 267, 173, 759, 112, 236, 679, 17, 92, 195, 129, 388, 142, 302, 144, 241, 502, 70, 72, 281];
/** Counts per occupation in the real u.user, in OCCUPATIONS_ML100K order. */
const OCCUPATION_COUNTS_ML100K = [79, 28, 7, 95, 67, 18, 32, 16, 7, 12, 51, 26, 9, 105, 66, 14, 12, 31, 196, 27, 45];
/** Share of women in the real users.dat: 1,709 of 6,040. */
const FEMALE_SHARE = 1709 / 6040;
/** Youngest and oldest age in years of each age code, for ML-100K ages (u.user spans 7..73). */
const AGE_YEARS: Record<number, [number, number]> = { 1: [7, 17], 18: [18, 24], 25: [25, 34], 35: [35, 44], 45: [45, 49], 50: [50, 55], 56: [56, 73] };
/** Spread of log-activity: lognormal sigma giving a long tail of heavy raters. */
const ACTIVITY_SIGMA = 1.15;

/** Users and their hidden traits, indexed by user index 0..n-1 (id = index + 1). */
export interface Population {
  users: User[];
  /** Stars above or below the global mean. */
  bias: Float64Array;
  /** Row-major users x LATENT_DIMS. */
  factors: Float64Array;
  /** Row-major users x GENRES.length: stars added to movies of each genre. */
  taste: Float64Array;
  /** Ratings each user gives. */
  counts: Int32Array;
}

function drawIndex(random: Random, counts: readonly number[]): number {
  let total = 0;
  for (const c of counts) total += c;
  let u = random.next() * total;
  for (let i = 0; i < counts.length; i++) {
    u -= counts[i];
    if (u < 0) return i;
  }
  return counts.length - 1;
}

/** Builds the users for a plan. */
export function buildPopulation(plan: Plan, random: Random): Population {
  const n = plan.users;
  const ageCodes = [...AGE_GROUPS_ML1M.keys()];
  const users: User[] = [];
  const bias = new Float64Array(n);
  const factors = new Float64Array(n * LATENT_DIMS);
  const taste = new Float64Array(n * GENRES.length);
  for (let u = 0; u < n; u++) {
    const female = random.next() < FEMALE_SHARE;
    const ageCode = ageCodes[drawIndex(random, AGE_COUNTS)];
    const zip = String(random.int(100000)).padStart(5, '0');
    if (plan.spec.release === 'ml-100k') {
      const [lo, hi] = AGE_YEARS[ageCode];
      const occupation = OCCUPATIONS_ML100K[drawIndex(random, OCCUPATION_COUNTS_ML100K)];
      users.push({ id: u + 1, gender: female ? 'F' : 'M', age: lo + random.int(hi - lo + 1), ageGroup: ageGroupLabel(ageCode), occupation, zip });
    } else {
      const occupation = OCCUPATIONS_ML1M[drawIndex(random, OCCUPATION_COUNTS_ML1M)];
      users.push({ id: u + 1, gender: female ? 'F' : 'M', age: ageCode, ageGroup: ageGroupLabel(ageCode), occupation, zip });
    }
    bias[u] = 0.35 * random.gaussian();
    for (let k = 0; k < LATENT_DIMS; k++) factors[u * LATENT_DIMS + k] = 0.45 * random.gaussian();
    const axis = ageAxis(ageCode);
    for (let g = 0; g < GENRES.length; g++) {
      taste[u * GENRES.length + g] = FEMALE_SHIFT[g] * (female ? 1 : -0.5) + OLD_AGE_SHIFT[g] * axis + 0.2 * random.gaussian();
    }
  }
  return { users, bias, factors, taste, counts: activityCounts(plan, random) };
}

/**
 * Ratings per user: minPerUser plus a lognormal share of the rest, capped at maxPerUser, with
 * rounding corrected so the total is exactly plan.ratings.
 */
function activityCounts(plan: Plan, random: Random): Int32Array {
  const n = plan.users;
  const weights = new Float64Array(n);
  let sum = 0;
  for (let u = 0; u < n; u++) sum += weights[u] = Math.exp(ACTIVITY_SIGMA * random.gaussian());
  const counts = new Int32Array(n);
  let remaining = plan.ratings;
  // Repeat while caps bind: capped users keep the cap and the rest is shared again.
  const capped = new Uint8Array(n);
  for (let round = 0; round < 50; round++) {
    const extra = remaining - plan.minPerUser * (n - countSet(capped)) - sumCapped(counts, capped);
    let overflow = false;
    for (let u = 0; u < n; u++) {
      if (capped[u]) continue;
      counts[u] = plan.minPerUser + Math.floor((extra * weights[u]) / sum);
      if (counts[u] >= plan.maxPerUser) {
        counts[u] = plan.maxPerUser;
        capped[u] = 1;
        sum -= weights[u];
        overflow = true;
      }
    }
    if (!overflow) break;
    remaining = plan.ratings;
  }
  // Hand out the rounding remainder one by one to random users below the cap.
  let total = 0;
  for (let u = 0; u < n; u++) total += counts[u];
  while (total < plan.ratings) {
    const u = random.int(n);
    if (counts[u] < plan.maxPerUser) {
      counts[u]++;
      total++;
    }
  }
  return counts;
}

function countSet(flags: Uint8Array): number {
  let c = 0;
  for (const f of flags) c += f;
  return c;
}

function sumCapped(counts: Int32Array, capped: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < counts.length; i++) if (capped[i]) s += counts[i];
  return s;
}
