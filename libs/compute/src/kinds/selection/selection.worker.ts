// Entry of the selection thread (see selection.kind.ts): runs model selection over the default
// kinds on the ratings handed in (shared memory) and posts progress, then the result.
import { parentPort, workerData } from 'node:worker_threads';
import type { RatingTable } from '@movielens/core';
import type { BuildParams } from '../model-kind';
import { defaultKinds } from '../registry';
import { runSelectionSync } from './selection-grid';

/** What the kind hands the thread. */
export interface SelectionThreadInput {
  ratings: RatingTable;
  params: BuildParams;
  seed: number;
}

/** What the thread posts: progress after each fit, then the result. */
export type SelectionThreadMessage = { done: number; total: number } | { info: ReturnType<typeof runSelectionSync> };

if (parentPort === null) throw new Error('selection.worker.ts must run in a worker thread');
const port = parentPort;
const input = workerData as SelectionThreadInput;
const info = runSelectionSync(input.ratings, defaultKinds.kinds, input.params, { seed: input.seed, now: () => performance.now() }, (done, total) => port.postMessage({ done, total } satisfies SelectionThreadMessage));
port.postMessage({ info } satisfies SelectionThreadMessage);
