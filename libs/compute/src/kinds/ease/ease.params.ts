import { EASE_DEFAULT_LAMBDA } from '@movielens/core';
import { z } from 'zod';

/** The `ease` kind's slice of the rebuild parameters. */
export const easeParams = z.object({
  /** Train the EASE item-item ranking kind (served as `?algorithm=ease`). Default true. */
  ease: z.boolean().default(true),
  /**
   * L2 penalty on B, in co-occurrence counts (added to the Gram matrix's diagonal). Larger
   * favours popular movies less sharply. Default 500: the best of 100 / 250 / 500 / 1000 on
   * ML-100K u1..u5 (docs/EVALUATION.md), as in the reference.
   */
  easeLambda: z.number().min(0.001).max(1e7).default(EASE_DEFAULT_LAMBDA),
  /**
   * The declared bound: the most movies EASE is trained on. Its cost is movies squared in memory
   * (two Float64 matrices for the solve and B as Float32: 20 bytes x movies^2, 1.3 GB at 8,000)
   * and movies cubed in time (about 4.5 s of CPU at ML-1M's 3,706, so ~45 s at 8,000). Above it
   * the kind is skipped, with the reason in its kind version's `info`, not failed. Default 8000.
   */
  easeMaxMovies: z.number().int().min(1).max(14000).default(8000),
  /** Keep only this many most-rated movies (ties: lower id); 0 keeps all. Lets a large catalogue fit under `easeMaxMovies`. Default 0. */
  easeTopMovies: z.number().int().min(0).max(14000).default(0),
});

/** The parsed slice. */
export type EaseParams = z.infer<typeof easeParams>;
