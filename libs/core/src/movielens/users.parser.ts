/**
 * Streaming users parser: users.dat (`id::M|F::ageCode::occupationCode::zip`) and u.user
 * (`id|age|gender|occupation|zip`, age in years, occupation as a label). CSV releases have
 * no users file.
 */
import { InputError } from '../errors';
import { ageCodeOfYears, ageGroupLabel, OCCUPATIONS_ML100K, OCCUPATIONS_ML1M } from './codes';
import type { ParserOptions, ParseSummary, StreamParser } from './parser-options';
import { isId, TextLineReader } from './text-lines';
import type { User } from './types';

/** What createUsersParser().end() returns. */
export interface UsersResult extends ParseSummary {
  /** Valid users in file order; ids are unique. */
  users: User[];
}

/** Oldest accepted age in years (ML-100K ages run 7..73). */
const MAX_AGE_YEARS = 120;

function gender(text: string): 'F' | 'M' | null {
  return text === 'F' || text === 'M' ? text : null;
}

/** Parses one users.dat line into a user, or a reason. */
function userDat(text: string): User | string {
  const f = text.split('::');
  if (f.length !== 5) return `expected 5 fields separated by '::', found ${f.length}`;
  const [id, g, age, occupation, zip] = f;
  if (!isId(id)) return `user id '${id.slice(0, 24)}' is not a positive integer`;
  const sex = gender(g);
  if (sex === null) return `unknown gender '${g.slice(0, 24)}' (expected M or F)`;
  const ageGroup = /^\d{1,2}$/.test(age) ? ageGroupLabel(Number(age)) : null;
  if (ageGroup === null) return `unknown age code '${age.slice(0, 24)}' (expected 1, 18, 25, 35, 45, 50 or 56)`;
  const occ = /^\d{1,2}$/.test(occupation) ? OCCUPATIONS_ML1M[Number(occupation)] : undefined;
  if (occ === undefined) return `unknown occupation code '${occupation.slice(0, 24)}' (expected 0..20)`;
  return { id: Number(id), gender: sex, age: Number(age), ageGroup, occupation: occ, zip: zip === '' ? null : zip };
}

/** Parses one u.user line into a user, or a reason. */
function userItem(text: string): User | string {
  const f = text.split('|');
  if (f.length !== 5) return `expected 5 fields separated by '|', found ${f.length}`;
  const [id, age, g, occupation, zip] = f;
  if (!isId(id)) return `user id '${id.slice(0, 24)}' is not a positive integer`;
  if (!/^\d{1,3}$/.test(age) || Number(age) < 1 || Number(age) > MAX_AGE_YEARS) return `bad age '${age.slice(0, 24)}' (expected years 1..${MAX_AGE_YEARS})`;
  const sex = gender(g);
  if (sex === null) return `unknown gender '${g.slice(0, 24)}' (expected M or F)`;
  if (!OCCUPATIONS_ML100K.includes(occupation)) return `unknown occupation '${occupation.slice(0, 24)}'`;
  const years = Number(age);
  return { id: Number(id), gender: sex, age: years, ageGroup: ageGroupLabel(ageCodeOfYears(years)), occupation, zip: zip === '' ? null : zip };
}

/** Creates a streaming parser of a users file (users.dat, u.user). */
export function createUsersParser(options: ParserOptions): StreamParser<UsersResult> {
  const { file } = options;
  if (file.kind !== 'users' || file.release === 'ml-csv') {
    throw new InputError(`${file.fileName}: not a users file (CSV releases have none)`);
  }
  const parse = file.release === 'ml-1m' ? userDat : userItem;
  const users: User[] = [];
  const firstLine = new Map<number, number>();
  const reader = new TextLineReader(file, options.maxErrors ?? 0, (text, line) => {
    const user = parse(text);
    if (typeof user === 'string') return user;
    const first = firstLine.get(user.id);
    if (first !== undefined) return `duplicate user id ${user.id} (first on line ${first})`;
    firstLine.set(user.id, line);
    users.push(user);
    return undefined;
  });
  return {
    push: (chunk) => reader.push(chunk),
    end: () => ({ users, ...reader.end('users', () => users.length) }),
  };
}
