/**
 * The ingest report's per-file part, and the report of an upload found identical to the
 * current dataset's input. "Identical" means identical outcome: the same files (names and
 * sha256) in the same mode, and a maxErrors that lets every file skip the bad lines it skipped
 * when the current version was made. With a lower maxErrors the files are parsed again (and
 * refused), so changing maxErrors never hides a different outcome behind "unchanged".
 */
import type { ParseSummary } from '@movielens/core';
import type { DatasetMeta, IngestFileReport, IngestReport } from '@movielens/store';
import type { IngestRequest } from './ingest.pipeline';
import type { StagedInputs } from './staged-input';

/** What parsing one file gave, for its report line. */
export type FileStats = Pick<ParseSummary, 'lines' | 'skipped' | 'skippedTotal' | 'encoding'>;

/** The report line of every input file, from the parse results by file name. */
export function fileReports(inputs: StagedInputs, stats: ReadonlyMap<string, FileStats>): IngestFileReport[] {
  return inputs.all.map(({ staged, detected }) => {
    const s = stats.get(staged.name);
    return {
      name: staged.name,
      kind: detected.kind,
      release: detected.release,
      size: staged.size,
      sha256: staged.sha256,
      lines: s?.lines ?? 0,
      skipped: s?.skippedTotal ?? 0,
      encoding: s?.encoding ?? 'ascii',
    };
  });
}

/**
 * The report of an ingest that stops as unchanged, or null when the outcome could differ from
 * the current version's: another input hash, a file the current report does not describe (or
 * describes without an encoding: a report from before encodings were recorded), or a file that
 * skipped more bad lines than `request.maxErrors` now allows.
 */
export function unchangedReport(request: IngestRequest, inputs: StagedInputs, hash: string, current: DatasetMeta | null, durationMs: number): IngestReport | null {
  if (current === null || current.contentHash !== hash) return null;
  const files: IngestFileReport[] = [];
  for (const { staged, detected } of inputs.all) {
    const was = current.report.files.find((f) => f.name === staged.name && f.sha256 === staged.sha256);
    if (was === undefined || was.encoding === undefined || was.skipped > request.maxErrors) return null;
    files.push({ name: staged.name, kind: detected.kind, release: detected.release, size: staged.size, sha256: staged.sha256, lines: 0, skipped: 0, encoding: was.encoding });
  }
  return {
    mode: request.mode,
    unchanged: true,
    datasetVersion: current.version,
    parentVersion: current.version,
    files,
    read: { ratings: 0, movies: 0, users: 0 },
    skipped: [],
    skippedTotal: 0,
    duplicates: { count: 0, examples: [] },
    overwritten: 0,
    durationMs,
  };
}
