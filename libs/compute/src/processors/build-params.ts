/**
 * The parameters of a build, from three sources in order of precedence: values set explicitly
 * (by this request, or by the recipe an ingest- or selection-triggered rebuild inherits), then
 * the served model selection's tuned values, then the documented defaults.
 */
import { InputError } from '@movielens/core';
import type { RebuildJobData } from '@movielens/jobs';
import type { BuildParams } from '../kinds/model-kind';
import type { KindRegistry } from '../kinds/registry';
import { tunedKeys } from '../kinds/selection/selection-tuned';

/** Explicitly set build parameters by name (a partial set: absent keys were not asked for). */
export type ExplicitParams = Record<string, number | boolean>;

/** True for the triggers that carry no recipe of their own and inherit the last one asked for. */
export function inheritsRecipe(trigger: RebuildJobData['trigger']): boolean {
  return trigger === 'ingest' || trigger === 'selection';
}

/**
 * The request's own parameters, checked against the registry (names and ranges).
 * @throws InputError naming each bad parameter
 */
export function requestedParams(registry: KindRegistry, requested: RebuildJobData['params']): ExplicitParams {
  const checked = registry.paramsSchema.partial().strict().safeParse(requested ?? {});
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `params.${i.path.map(String).join('.')}: ${i.message}`).join('; ');
    throw new InputError(`invalid rebuild payload: ${issues}`, [], { cause: checked.error });
  }
  // The input itself, not `checked.data`: zod fills defaults into a partial object, and a
  // default is not an explicit value.
  return { ...(requested ?? {}) };
}

/**
 * The explicit parameters of a build: the request's own, over the inherited recipe for an
 * ingest- or selection-triggered rebuild (so an upload never silently drops something an operator
 * turned on: an LSTM, a minimum count). Inherited values that no longer validate are ignored.
 */
export function explicitParams(registry: KindRegistry, trigger: RebuildJobData['trigger'], requested: RebuildJobData['params'], recipe: Record<string, unknown> | null): ExplicitParams {
  const given = requestedParams(registry, requested);
  if (!inheritsRecipe(trigger) || recipe === null) return given;
  const inherited = stripUnknown(registry, recipe);
  return registry.paramsSchema.partial().strict().safeParse(inherited).success ? { ...(inherited as ExplicitParams), ...given } : given;
}

/**
 * Full build parameters: `explicit` wins, then the valid `tuned` values (a tuned value that no
 * longer validates, or names a parameter since removed, is ignored), then the defaults.
 */
export function withTuned(registry: KindRegistry, explicit: ExplicitParams, tuned: Readonly<Record<string, number>> | null): BuildParams {
  const known = stripUnknown(registry, tuned ?? {});
  const valid = registry.paramsSchema.partial().strict().safeParse(known).success;
  return registry.parseParams({ ...(valid ? known : {}), ...explicit });
}

/**
 * The recipe of a deployment that recorded none (a set served before recipes were kept): the
 * served set's parameters, minus those model selection tunes (defaults there were not a choice).
 */
export function legacyRecipe(registry: KindRegistry, served: Readonly<Record<string, number | boolean>> | undefined): Record<string, number | boolean> | null {
  if (served === undefined) return null;
  const tuned = tunedKeys(registry.kinds);
  return Object.fromEntries(Object.entries(served).filter(([k]) => !tuned.has(k)));
}

/** Only the parameters the registry knows (a served set may carry those of a kind since removed). */
function stripUnknown(registry: KindRegistry, params: Record<string, unknown>): Record<string, unknown> {
  const known = new Set(Object.keys(registry.paramsSchema.shape));
  return Object.fromEntries(Object.entries(params).filter(([k]) => known.has(k)));
}
