/**
 * Typed errors of the domain. Every error that reaches a user names what was wrong and
 * where; callers map the class to a status (HTTP 400/404/503, job failure without retry).
 */

/** Base class: a stable machine-readable `code` plus a human message. */
export class MovieLensError extends Error {
  /** Stable code such as `BAD_INPUT`, `NOT_FOUND`, `NO_MODEL`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One problem found in an input file: where it is and why it is wrong. */
export interface LineIssue {
  /** File name as given by the user (not a server path). */
  file: string;
  /** 1-based line number; 0 when the problem is about the whole file. */
  line: number;
  /** Why the line was rejected, e.g. `expected 4 fields, found 3`. */
  reason: string;
}

/** Formats an issue as `file:line: reason` (or `file: reason` for whole-file problems). */
export function formatIssue(issue: LineIssue): string {
  return issue.line > 0 ? `${issue.file}:${issue.line}: ${issue.reason}` : `${issue.file}: ${issue.reason}`;
}

/**
 * Bad user input (a malformed file, an unknown format, too many bad lines). Never retried:
 * the same input fails the same way. `issues` lists the first problems found (bounded).
 */
export class InputError extends MovieLensError {
  readonly issues: LineIssue[];
  constructor(message: string, issues: LineIssue[] = [], options?: { cause?: unknown }) {
    super('BAD_INPUT', message, options);
    this.issues = issues;
  }
}

/** A requested entity (movie, user, version, job) does not exist. */
export class NotFoundError extends MovieLensError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_FOUND', message, options);
  }
}

/** A model or dataset is needed but none has been built or loaded yet. */
export class NotReadyError extends MovieLensError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_READY', message, options);
  }
}
