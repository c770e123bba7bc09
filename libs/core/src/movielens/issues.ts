import { InputError, type LineIssue } from '../errors';

/** How many issues a parse result or error keeps; the count of bad lines is always exact. */
export const MAX_KEPT_ISSUES = 100;

/**
 * Collects bad lines of one file and enforces the `maxErrors` policy: the moment the count of
 * bad lines exceeds `maxErrors`, it throws, so a huge bad file fails fast instead of being read
 * to the end.
 */
export class IssueCollector {
  /** The first MAX_KEPT_ISSUES issues, in file order. */
  readonly kept: LineIssue[] = [];
  /** Exact number of bad lines seen. */
  count = 0;

  constructor(
    readonly file: string,
    /** Bad lines tolerated (skipped) before the whole file is rejected; default 0. */
    readonly maxErrors = 0,
  ) {}

  /** Records one bad line (1-based; 0 = the whole file). Throws InputError when over the limit. */
  add(line: number, reason: string): void {
    this.count++;
    if (this.kept.length < MAX_KEPT_ISSUES) this.kept.push({ file: this.file, line, reason });
    if (this.count > this.maxErrors) {
      const first = this.kept[0];
      const where = first.line > 0 ? `line ${first.line}` : 'file';
      throw new InputError(
        `${this.file}: ${this.count} bad line${this.count === 1 ? '' : 's'} (max ${this.maxErrors}); first at ${where}: ${first.reason}`,
        [...this.kept],
      );
    }
  }

  /** Rejects the whole file regardless of `maxErrors` (empty file, binary data, UTF-16). */
  fatal(reason: string, line = 0): never {
    const issue = { file: this.file, line, reason };
    throw new InputError(line > 0 ? `${this.file}:${line}: ${reason}` : `${this.file}: ${reason}`, [...this.kept, issue]);
  }
}
