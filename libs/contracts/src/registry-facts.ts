/**
 * What the model-kind registry (libs/compute) decides about the API: the `?algorithm=` values,
 * the kind names, the rebuild parameters. The contracts do not depend on libs/compute, so the
 * API hands these in (`apps/api/src/openapi.ts`, the routers) and they stay derived from the
 * registry, one source.
 */
import type { z } from 'zod';

/** One `?algorithm=` value of `GET /users/:id/recommendations`. */
export interface RankerFacts {
  /** The query value, e.g. `puresvd`, `mf`. */
  algorithm: string;
  /** The model kind serving it, e.g. `svd`. */
  kind: string;
  /** What its score means, e.g. `predicted stars`. */
  scoreUnit: string;
}

/** The registry's part of the API. */
export interface RegistryFacts {
  /** Every ranking kind's algorithm, in registry order. */
  rankers: readonly RankerFacts[];
  /** Every model kind's name, in registry order. */
  kinds: readonly string[];
  /** Every kind's slice of the rebuild parameters (zod, with defaults): `POST /models/rebuild` takes any subset. */
  rebuildParams: z.ZodObject;
  /** How many of a session's most recent known movies the LSTM reads (core `SESSION_MAX_STEPS`). */
  sessionMaxSteps: number;
}
