import type { LstmShape } from './layout';
import type { LstmStepOptions } from './trainer';

/** What the main thread hands each training worker once (all arrays shared, not copied). */
export interface WorkerSetup {
  shape: LstmShape;
  step: LstmStepOptions;
  alpha: number;
  seed: number;
  maxSequence: number;
  params: SharedArrayBuffer;
  adamM: SharedArrayBuffer;
  adamV: SharedArrayBuffer;
  counts: SharedArrayBuffer;
  items: SharedArrayBuffer;
  offsets: SharedArrayBuffer;
  /** Rating level per position (Uint8), or null when the model reads movies only. */
  levels: SharedArrayBuffer | null;
  /** User order of the current epoch (rewritten by the main thread between epochs). */
  order: SharedArrayBuffer;
  /** One Int32: next position in `order` to take. */
  counter: SharedArrayBuffer;
}

/** Start-of-epoch message; the worker answers with a ShardResult. */
export interface WorkerEpoch {
  learningRate: number;
}
