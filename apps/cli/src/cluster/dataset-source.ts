import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { downloadMl1m } from './ml1m-download';

/** Where `movielens up` takes its first dataset from. */
export interface DatasetSource {
  kind: 'folder' | 'download' | 'synthetic';
  /** Folder holding MovieLens-format files (for `synthetic`: still to be generated). */
  dir: string;
  /** Why this source was chosen, for the user. */
  note: string;
}

/**
 * Picks the dataset for a first start, in order: the folder the user named; ML-1M
 * downloaded from GroupLens and verified (reused when already downloaded); a synthetic
 * ML-1M-shaped set when offline.
 * @param stateDir - the project state folder (`.movielens`)
 */
export async function chooseDatasetSource(folder: string | undefined, stateDir: string, log: (line: string) => void): Promise<DatasetSource> {
  if (folder !== undefined) {
    const dir = resolve(folder);
    if (!existsSync(dir)) throw new Error(`${folder}: no such folder`);
    return { kind: 'folder', dir, note: `the folder you named (${dir})` };
  }
  const ml1m = join(stateDir, 'data', 'ml-1m');
  try {
    log('no dataset yet: downloading MovieLens 1M from GroupLens (checksums verified) ...');
    await downloadMl1m(ml1m, 60_000);
    return { kind: 'download', dir: ml1m, note: 'MovieLens 1M from GroupLens, checksums verified' };
  } catch (err) {
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    log(`download not possible (${reason}): using a synthetic ML-1M-shaped dataset instead`);
    return { kind: 'synthetic', dir: join(stateDir, 'data', 'synthetic-ml-1m'), note: 'synthetic ML-1M-shaped data (offline fallback)' };
  }
}
