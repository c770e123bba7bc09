/**
 * Made-up movie titles in MovieLens style: `Silent River, The`, `Harbor of the Lost Kingdom`,
 * a few accented (Latin-1) words so encodings are exercised, and for CSV some commas and
 * quotes so RFC 4180 quoting is exercised. Titles never end in a digit, so `X 2` is a sequel.
 */
import type { Random } from '../random';

const ADJECTIVES = ['Silent', 'Dark', 'Last', 'Lost', 'Golden', 'Wild', 'Broken', 'Hidden', 'Secret', 'Crimson', 'Eternal', 'Frozen', 'Burning', 'Distant', 'Little', 'Great', 'Midnight', 'Savage', 'Sweet', 'Bitter', 'Blue', 'Iron', 'Hollow', 'Endless', 'Quiet', 'Fatal', 'Lucky', 'Wicked', 'Brave', 'Electric'];
const NOUNS = ['River', 'Night', 'Heart', 'City', 'Road', 'Dream', 'Storm', 'Garden', 'Shadow', 'Empire', 'Island', 'Summer', 'Winter', 'Kingdom', 'Stranger', 'Mirror', 'Horizon', 'Voyage', 'Promise', 'Legacy', 'Harbor', 'Canyon', 'Circus', 'Detective', 'Mountain', 'Engine', 'Letter', 'Bride', 'Witness', 'Ghost', 'Planet', 'Dragon'];
/** Latin-1 words (every character below U+0100), as in real titles like `Misérables, Les`. */
const ACCENTED = ['Misérables', 'Café', 'Señor', 'Noël', 'Château', 'Fiancée', 'Mañana', 'Rêve', 'Naïve', 'Garçon', 'Über', 'Fräulein', 'Déjà Vu', 'Größe', 'Amélie'];

function pick(random: Random, words: readonly string[]): string {
  return words[random.int(words.length)];
}

/** A noun, now and then an accented one. */
function noun(random: Random): string {
  return random.next() < 0.04 ? pick(random, ACCENTED) : pick(random, NOUNS);
}

/**
 * One base title (no year). `csv` allows commas inside the title and double quotes, which a
 * CSV writer must quote; `::` and `|` never appear (they are .dat and u.item separators).
 */
export function makeTitle(random: Random, csv: boolean): string {
  const u = random.next();
  if (u < 0.2) return `${pick(random, ADJECTIVES)} ${noun(random)}, The`;
  if (u < 0.35) return `${noun(random)} of the ${pick(random, ADJECTIVES)} ${noun(random)}`;
  if (u < 0.55) return `${pick(random, ADJECTIVES)} ${noun(random)}`;
  if (u < 0.65) return `${noun(random)}: ${pick(random, ADJECTIVES)} ${noun(random)}`;
  if (u < 0.75) return `${noun(random)}s`;
  if (csv && u < 0.85) return `${noun(random)}, ${noun(random)} and ${noun(random)}`;
  if (csv && u < 0.88) return `"${pick(random, ADJECTIVES)}" ${noun(random)}`;
  return `${pick(random, ADJECTIVES)} ${noun(random)} ${noun(random)}`;
}

/** The title of sequel number `n` (2, 3, ...) in MovieLens style: `Toy Story 2`, `Godfather 2, The`. */
export function sequelTitle(base: string, n: number): string {
  return base.endsWith(', The') ? `${base.slice(0, -5)} ${n}, The` : `${base} ${n}`;
}

/** Every word a generated title is made of (the word lists, the accented words split at spaces, the joining words). */
const VOCABULARY = new Set([...ADJECTIVES, ...NOUNS, ...ACCENTED.flatMap((w) => w.split(' ')), 'The', 'of', 'the', 'and']);

/**
 * True when `title` (without its year) could have come from {@link makeTitle} or
 * {@link sequelTitle}: every word is from the generator's lists (a plural noun, a sequel
 * number, the CSV quotes and commas allowed). A real title may pass by chance (`Dark City`);
 * a whole real catalogue does not (see {@link isSyntheticCatalogue}).
 */
export function isGeneratedTitle(title: string): boolean {
  const words = title.replace(/[",:]/g, ' ').split(/\s+/).filter((w) => w !== '');
  return words.length > 0 && words.every((w) => VOCABULARY.has(w) || /^\d+$/.test(w) || (w.endsWith('s') && NOUNS.includes(w.slice(0, -1))));
}

/**
 * True when a catalogue is the synthetic generator's: at least 20 titles and 95% of them
 * made of its words. Real MovieLens releases are far below that (a few titles such as
 * `Dark City` or `Lost Highway`'s neighbours pass one by one; most contain other words).
 */
export function isSyntheticCatalogue(titles: Iterable<string>): boolean {
  let total = 0;
  let generated = 0;
  for (const title of titles) {
    total++;
    if (isGeneratedTitle(title)) generated++;
  }
  return total >= 20 && generated >= 0.95 * total;
}
