/**
 * Line-as-text plumbing for the small files (movies, users: thousands of lines, not millions):
 * each line is decoded with the file's encoding and handed over as a string. Latin-1 for .dat
 * and ML-100K files (every byte is a character), strict UTF-8 for CSV files.
 */
import type { DetectedFile } from './detect';
import { IssueCollector } from './issues';
import { hasControlBytes } from './bytes';
import { BINARY_REASON, LineSplitter } from './line-splitter';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * ISO-8859-1: byte b is U+00b. (TextDecoder's `latin1` label is windows-1252, which remaps
 * 0x80..0x9F, so it is not used.)
 */
export function decodeLatin1(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode(...buf.subarray(i, Math.min(end, i + 8192)));
  }
  return s;
}

/** Called with each non-empty line; returns a reason to reject it, or undefined when accepted. */
export type TextLineHandler = (text: string, line: number) => string | undefined;

/** A LineSplitter that decodes lines and routes rejections to the issue collector. */
export function textLineSplitter(file: DetectedFile, maxErrors: number, handle: TextLineHandler) {
  const issues = new IssueCollector(file.fileName, maxErrors);
  const isUtf8 = file.release === 'ml-csv';
  const splitter = new LineSplitter(
    (buf, start, end, line) => {
      if (start === end) return;
      if (hasControlBytes(buf, start, end, isUtf8)) {
        issues.add(line, BINARY_REASON);
        return;
      }
      let text: string;
      if (isUtf8) {
        try {
          text = utf8.decode(buf.subarray(start, end));
        } catch {
          issues.add(line, `invalid UTF-8 (${file.fileName} must be UTF-8 encoded)`);
          return;
        }
      } else {
        text = decodeLatin1(buf, start, end);
      }
      const reason = handle(text, line);
      if (reason !== undefined) issues.add(line, reason);
    },
    issues,
    { quoted: isUtf8 },
  );
  return { splitter, issues };
}

/**
 * Splits one RFC 4180 record: fields separated by commas, optionally double-quoted, with `""`
 * for a quote inside a quoted field. Returns the fields, or a string saying what is wrong.
 */
export function splitCsvRecord(line: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return 'unterminated quoted field';
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      fields.push(value);
      if (j === line.length) return fields;
      if (line[j] !== ',') return `unexpected '${line[j]}' after a closing quote`;
      i = j + 1;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

/** True for a positive integer id written in plain digits. */
export function isId(text: string): boolean {
  return /^\d{1,10}$/.test(text) && Number(text) > 0 && Number(text) <= 2147483647;
}
