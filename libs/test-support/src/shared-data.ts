import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The real MovieLens files live beside the repository in `../shared/data` (never committed:
 * the licence forbids redistribution). Returns the folder of one release when present.
 */
export function sharedDataDir(release: 'ml-100k' | 'ml-1m'): string | undefined {
  const dir = fileURLToPath(new URL(`../../../../shared/data/${release}`, import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

/** The message a test prints when it skips for lack of real data. */
export function skipReason(release: 'ml-100k' | 'ml-1m'): string {
  return `SKIPPED: ../shared/data/${release} is not present; real-data test not run`;
}
