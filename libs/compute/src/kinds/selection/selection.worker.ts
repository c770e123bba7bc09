// Entry of a selection thread (see selection.kind.ts): scores one share of the default kinds'
// candidates on the ratings handed in (shared memory) and posts progress, then its scores.
import { parentPort, workerData } from 'node:worker_threads';
import type { RatingTable } from '@movielens/core';
import type { BuildParams } from '../model-kind';
import { defaultKinds } from '../registry';
import { scoreShare, type SelectionShare, type ShareOf } from './selection-grid';

/** What the kind hands a thread. */
export interface SelectionThreadInput {
  ratings: RatingTable;
  params: BuildParams;
  seed: number;
  /** The candidates this thread scores. */
  share: ShareOf;
}

/** What a thread posts: progress after each fit (within its share), then its scores. */
export type SelectionThreadMessage = { done: number; total: number } | { share: SelectionShare };

if (parentPort === null) throw new Error('selection.worker.ts must run in a worker thread');
const port = parentPort;
const input = workerData as SelectionThreadInput;
const share = scoreShare(input.ratings, defaultKinds.kinds, input.params, { seed: input.seed, now: () => performance.now() }, input.share, (done, total) =>
  port.postMessage({ done, total } satisfies SelectionThreadMessage),
);
port.postMessage({ share } satisfies SelectionThreadMessage);
