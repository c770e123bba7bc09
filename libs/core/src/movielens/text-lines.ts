/**
 * Line-as-text plumbing for the small files (movies, users: thousands of lines, not millions):
 * each line is decoded with the file's encoding (see line-decoder.ts: strict UTF-8 for CSV,
 * UTF-8 or Latin-1 decided per file for `.dat` and ML-100K files), checked for control
 * characters, and handed over as a string.
 */
import { controlCharIssue } from './control-chars';
import type { DetectedFile } from './detect';
import { IssueCollector } from './issues';
import { LineDecoder } from './line-decoder';
import { LineSplitter } from './line-splitter';
import type { ParseSummary } from './parser-options';

/** Called with each non-empty line; returns a reason to reject it, or undefined when accepted. */
export type TextLineHandler = (text: string, line: number) => string | undefined;

/** Splits, decodes and checks the lines of one text file; bad lines go to `issues`. */
export class TextLineReader {
  /** Bad lines of the file, under its maxErrors policy. */
  private readonly issues: IssueCollector;
  private readonly splitter: LineSplitter;
  private readonly decoder: LineDecoder;

  constructor(file: DetectedFile, maxErrors: number, handle: TextLineHandler) {
    const issues = new IssueCollector(file.fileName, maxErrors);
    const csv = file.release === 'ml-csv';
    const decoder = new LineDecoder({
      strictUtf8: csv,
      onText: (text, line) => {
        const reason = controlCharIssue(text, csv) ?? handle(text, line);
        if (reason !== undefined) issues.add(line, reason);
      },
      onBadLine: (line, reason) => issues.add(line, reason),
    });
    this.splitter = new LineSplitter(
      (buf, start, end, line) => {
        if (start < end) decoder.line(buf, start, end, line);
      },
      issues,
      { quoted: csv, onBadLine: (line, reason) => decoder.skip(line, reason) },
    );
    this.issues = issues;
    this.decoder = decoder;
  }

  /** Feeds the next chunk. Throws InputError past maxErrors or for a whole-file problem. */
  push(chunk: Uint8Array): void {
    this.splitter.push(chunk);
  }

  /**
   * Handles the last line and any held-back lines, and sums up the file.
   * @param noun - what the records are (`movies`, `users`), for the message about a file without any
   * @param records - counts the records the parser accepted, once every line is handled
   * @throws InputError for an empty file, or one without records nor bad lines
   */
  end(noun: string, records: () => number): ParseSummary {
    this.splitter.end();
    this.decoder.end();
    const { issues } = this;
    if (records() === 0 && issues.count === 0) issues.fatal(this.splitter.bytes === 0 ? 'empty file' : `no ${noun} in the file`);
    return { lines: this.splitter.line, skipped: issues.kept, skippedTotal: issues.count, encoding: this.decoder.encoding };
  }
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
