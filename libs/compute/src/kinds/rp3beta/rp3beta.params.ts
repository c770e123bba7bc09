import { z } from 'zod';

/** The `rp3beta` kind's slice of the rebuild parameters. */
export const rp3betaParams = z.object({
  /** Train the RP3beta item-graph ranking kind (served as `?algorithm=rp3beta`). Default true. */
  rp3beta: z.boolean().default(true),
  /** Exponent of the walk's transition probabilities (1 = the plain three-step walk). Default 0.75. */
  rp3Alpha: z.number().min(0).max(4).default(0.75),
  /** Popularity penalty: weights into a movie are divided by its raters^beta (0 = none). Default 0.6. */
  rp3Beta: z.number().min(0).max(4).default(0.6),
  /**
   * Neighbours kept per movie (largest weights): bounds the stored W (8 bytes a weight) and the
   * cost of a score. 200 loses 0.002 NDCG@10 on ML-100K against keeping all. Default 200.
   */
  rp3Neighbours: z.number().int().min(1).max(2000).default(200),
});

/** The parsed slice. */
export type Rp3betaParams = z.infer<typeof rp3betaParams>;
