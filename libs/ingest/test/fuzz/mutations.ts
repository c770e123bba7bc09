/**
 * Mutations of MovieLens files for the ingest fuzzer: byte flips (any byte, or one digit for
 * another, which reaches ids, ratings and timestamps), truncations, inserted
 * separators, re-encodings (Latin-1 <-> UTF-8, UTF-16), duplicated, reordered and deleted lines,
 * other line endings, ANSI escapes, BOMs, genre edits and hostile field values (ids, ratings,
 * timestamps, codes at and past their limits). Each is plain data (positions are
 * fractions of the file in millionths) so fast-check can print and shrink a failing case.
 */
import fc from 'fast-check';

/** One edit of a file's bytes. */
export type Mutation =
  | { op: 'flip'; at: number; byte: number }
  | { op: 'digit'; at: number; digit: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'reencode'; to: 'utf-8' | 'latin-1' | 'utf-16le' | 'utf-16le-bom' | 'utf-16be-bom' }
  | { op: 'duplicate'; line: number; to: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'delete'; line: number }
  | { op: 'endings'; to: 'crlf' | 'cr' }
  | { op: 'escape'; line: number }
  | { op: 'bom' }
  | { op: 'genre'; line: number; genres: string }
  | { op: 'field'; line: number; count: number; field: number; value: string };

const at = fc.integer({ min: 0, max: 999_999 });
/** Bytes that mean something to a parser, and now and then any byte. */
const byte = fc.oneof(fc.constantFrom(0x00, 0x0a, 0x0d, 0x1b, 0x3a, 0x7c, 0x2c, 0x09, 0x22, 0x2e, 0x20, 0x30, 0x39, 0xe9, 0xc3, 0xa9, 0x80, 0xff), fc.integer({ min: 0, max: 255 }));
/** Field values at and past the limits of ids, ratings, timestamps, codes and titles. */
const fieldValue = fc.constantFrom('', '0', '1', '5', '6', '-1', '0.5', '3.5', '4.0', '2.9999999999', '00000000003', '2147483647', '2147483648', '4294967295', '4294967296', 'x', ' 1', 'NaN', '1e3', '\u0663', 'M', 'F', 'X', '18', '21', '99', '200', 'other', 'astronaut', ' ', '"', '""');
const separator = fc.constantFrom('::', ':', '|', ',', '\t', '\n', '\r', '\r\n', '"', ' ', '||', '-1', '.5', '9', '\u001b[31m', '(no genres listed)');

/** Any one mutation. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at, byte }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('digit' as const), at, digit: fc.integer({ min: 0, max: 9 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at, text: separator }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reencode' as const), to: fc.constantFrom('utf-8' as const, 'latin-1' as const, 'utf-16le' as const, 'utf-16le-bom' as const, 'utf-16be-bom' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), line: at, to: at }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('swap' as const), a: at, b: at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), line: at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('endings' as const), to: fc.constantFrom('crlf' as const, 'cr' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('escape' as const), line: at }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bom' as const) }) },
  { weight: 8, arbitrary: fc.record({ op: fc.constant('field' as const), line: at, count: fc.integer({ min: 1, max: 8 }), field: fc.nat(23), value: fieldValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('genre' as const), line: at, genres: fc.constantFrom('Cyberpunk', '', 'Drama|Drama', 'IMAX', 'Children', '(no genres listed)', 'Comedy|', 'drama') }) },
);

const pos = (fraction: number, length: number) => Math.floor((fraction / 1_000_000) * length);

/** The file's lines, each with its LF (the last one may have none). */
function splitLines(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, start)) {
    out.push(bytes.subarray(start, i + 1));
    start = i + 1;
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}

/** UTF-16 of the file read as Latin-1 (every byte one character). */
function utf16(bytes: Buffer, bigEndian: boolean, bom: boolean): Buffer {
  const le = Buffer.from(`${bom ? '\ufeff' : ''}${bytes.toString('latin1')}`, 'utf16le');
  return bigEndian ? le.swap16() : le;
}

/** Applies one mutation. */
export function mutate(input: Buffer, m: Mutation): Buffer {
  const lines = splitLines(input);
  const line = (fraction: number) => pos(fraction, lines.length);
  switch (m.op) {
    case 'flip': {
      if (input.length === 0) return input;
      const out = Buffer.from(input);
      out[pos(m.at, input.length)] = m.byte;
      return out;
    }
    case 'digit': {
      const digits = [...input.keys()].filter((i) => input[i] >= 0x30 && input[i] <= 0x39);
      if (digits.length === 0) return input;
      const out = Buffer.from(input);
      out[digits[pos(m.at, digits.length)]] = 0x30 + m.digit;
      return out;
    }
    case 'truncate':
      return input.subarray(0, pos(m.at, input.length));
    case 'insert': {
      const i = pos(m.at, input.length + 1);
      return Buffer.concat([input.subarray(0, i), Buffer.from(m.text, 'latin1'), input.subarray(i)]);
    }
    case 'reencode':
      if (m.to === 'utf-8') return Buffer.from(input.toString('latin1'), 'utf8');
      if (m.to === 'latin-1') return Buffer.from(input.toString('utf8'), 'latin1');
      return utf16(input, m.to === 'utf-16be-bom', m.to !== 'utf-16le');
    case 'duplicate':
      if (lines.length === 0) return input;
      lines.splice(line(m.to), 0, lines[line(m.line)]);
      return Buffer.concat(lines);
    case 'swap': {
      if (lines.length === 0) return input;
      const [a, b] = [line(m.a), line(m.b)];
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return Buffer.concat(lines);
    }
    case 'delete':
      lines.splice(line(m.line), 1);
      return Buffer.concat(lines);
    case 'endings': {
      const lf = Buffer.from(input.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
      return Buffer.from(lf.toString('latin1').replace(/\n/g, m.to === 'crlf' ? '\r\n' : '\r'), 'latin1');
    }
    case 'escape': {
      if (lines.length === 0) return input;
      const i = line(m.line);
      lines[i] = Buffer.concat([Buffer.from('\u001b[1m', 'latin1'), lines[i]]);
      return Buffer.concat(lines);
    }
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), input]);
    case 'field': {
      // The same field of `count` lines spread over the file gets the value.
      for (let k = 0; k < Math.min(m.count, lines.length); k++) {
        const i = (line(m.line) + k * 7919) % lines.length;
        const text = lines[i].toString('latin1').replace(/\r?\n$/, '');
        const sep = ['::', '\t', '|', ','].find((s) => text.includes(s)) ?? ',';
        const fields = text.split(sep);
        fields[m.field % fields.length] = m.value;
        lines[i] = Buffer.from(`${fields.join(sep)}${lines[i].toString('latin1').slice(text.length)}`, 'latin1');
      }
      return Buffer.concat(lines);
    }
    case 'genre': {
      if (lines.length === 0) return input;
      const i = line(m.line);
      const text = lines[i].toString('latin1');
      // The genre field is the last one of movies.dat and movies.csv lines (u.item: no change).
      const cut = Math.max(text.lastIndexOf('::') + 2, text.lastIndexOf(',') + 1);
      if (cut <= 1) return input;
      lines[i] = Buffer.from(`${text.slice(0, cut)}${m.genres}${text.endsWith('\n') ? '\n' : ''}`, 'latin1');
      return Buffer.concat(lines);
    }
  }
}
