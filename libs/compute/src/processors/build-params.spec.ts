import { describe, expect, it } from 'vitest';
import { defaultKinds } from '../kinds/registry';
import { explicitParams, legacyRecipe, withTuned } from './build-params';

// Precedence of a build's parameters: explicit (the request, over the recipe an ingest- or
// selection-triggered rebuild inherits), then the served selection's tuned values, then the
// defaults. Expected values are the registry's documented defaults and the literals given.

const defaults = defaultKinds.parseParams({});
const tuned = { k: 10, easeLambda: 1000, ialsAlpha: 2 };

describe('build parameters', () => {
  it('tuned values beat defaults, explicit values beat tuned ones', () => {
    const p = withTuned(defaultKinds, explicitParams(defaultKinds, 'cli', { easeLambda: 333 }, null), tuned);
    expect(p).toMatchObject({ k: 10, easeLambda: 333, ialsAlpha: 2, ialsReg: defaults.ialsReg, seed: defaults.seed });
    expect(withTuned(defaultKinds, {}, null)).toEqual(defaults);
  });

  it('only ingest and selection rebuilds inherit the recipe; their own values still win', () => {
    const recipe = { k: 3, lstm: true };
    expect(explicitParams(defaultKinds, 'ingest', { k: 7 }, recipe)).toEqual({ k: 7, lstm: true });
    expect(explicitParams(defaultKinds, 'selection', {}, recipe)).toEqual({ k: 3, lstm: true });
    expect(explicitParams(defaultKinds, 'api', {}, recipe)).toEqual({});
    // Defaults are not explicit: zod fills them into a partial parse, which must not leak here.
    expect(explicitParams(defaultKinds, 'cli', { seed: 9 }, null)).toEqual({ seed: 9 });
  });

  it('ignores an inherited recipe or tuned values that no longer validate, and names a bad request', () => {
    expect(explicitParams(defaultKinds, 'ingest', {}, { k: -1, gone: 4 })).toEqual({});
    expect(explicitParams(defaultKinds, 'ingest', {}, { k: 5, gone: 4 })).toEqual({ k: 5 });
    expect(withTuned(defaultKinds, {}, { easeLambda: -5 })).toEqual(defaults);
    expect(() => explicitParams(defaultKinds, 'cli', { k: 'x' as unknown as number }, null)).toThrow(/params\.k/);
  });

  it('a set served before recipes were kept: its parameters are the recipe, minus the tuned ones', () => {
    // svd's k is on a grid but svd does not train with tuned values: it stays a recipe value.
    expect(legacyRecipe(defaultKinds, { k: 3, topK: 7, easeLambda: 500, rp3Beta: 0.6 })).toEqual({ k: 3, topK: 7 });
    expect(legacyRecipe(defaultKinds, undefined)).toBeNull();
  });
});
