/**
 * The registry of model kinds: adding a kind is one folder under `kinds/` and one line in
 * `DEFAULT_KINDS`. Everything per kind (the rebuild's parameters and plan, the progress stages,
 * the served set's fields, `?algorithm=` serving, `movielens evaluate`) is derived from here.
 */
import type { Algorithm } from '@movielens/core';
import type { KindMeta, SetComposition, SetFields } from '@movielens/store';
import { z } from 'zod';
import { analyticsKind } from './analytics/analytics.kind';
import { easeKind } from './ease/ease.kind';
import { ialsKind } from './ials/ials.kind';
import { lstmKind } from './lstm/lstm.kind';
import { mfKind } from './mf/mf.kind';
import type { BuildParams, KindRecommender, ModelKind } from './model-kind';
import { rp3betaKind } from './rp3beta/rp3beta.kind';
import { similarUsersKind } from './similarusers/similarusers.kind';
import { createSelectionKind } from './selection/selection.kind';
import { svdKind } from './svd/svd.kind';

/** The kinds every deployment trains, in the order they are planned and listed. */
export const DEFAULT_KINDS: readonly ModelKind[] = [svdKind, analyticsKind, easeKind, rp3betaKind, similarUsersKind, ialsKind, mfKind, lstmKind, createSelectionKind(() => DEFAULT_KINDS, { thread: true })];

/** Parameters every kind may read. */
export const commonParams = z.object({
  /** Seed of every randomized step (SVD start vector, MF sampler, LSTM init): the same data and params give the same model. Default 42. */
  seed: z.number().int().default(42),
  /** Hash shards of sharded tables (id modulo shards). Default 16. */
  shards: z.number().int().min(1).max(1024).default(16),
});

/** The kinds of a deployment, and everything derived from them. */
export class KindRegistry {
  /** Every kind, in planning order. */
  readonly kinds: readonly ModelKind[];
  /** All rebuild parameters: the common ones and every kind's slice, with defaults. */
  readonly paramsSchema: z.ZodObject;
  /** Progress stages of a rebuild, in order: `plan`, each kind's stages, `publish`. */
  readonly stages: readonly string[];

  constructor(kinds: readonly ModelKind[] = DEFAULT_KINDS) {
    const names = new Set<string>();
    for (const kind of kinds) {
      if (!/^[a-z][a-z0-9]*$/.test(kind.name)) throw new Error(`kind name ${kind.name}: lower case letters and digits only`);
      if (names.has(kind.name)) throw new Error(`kind ${kind.name} is registered twice`);
      for (const dep of kind.dependsOn) if (!names.has(dep)) throw new Error(`kind ${kind.name} depends on ${dep}, which is not registered before it`);
      names.add(kind.name);
    }
    this.kinds = kinds;
    this.paramsSchema = z.object(Object.assign({}, commonParams.shape, ...kinds.map((k) => k.params.shape)));
    this.stages = ['plan', ...new Set(kinds.flatMap((k) => k.stages)), 'publish'];
  }

  /** The kind named `name`, or undefined. */
  get(name: string): ModelKind | undefined {
    return this.kinds.find((k) => k.name === name);
  }

  /** Full parameters from overrides (defaults applied). @throws ZodError for unknown names or bad values */
  parseParams(overrides: Record<string, unknown>): BuildParams {
    return this.paramsSchema.strict().parse(overrides) as BuildParams;
  }

  /** The parameters a kind's version depends on: its slice and the common ones. */
  paramsOf(kind: ModelKind, params: BuildParams): Record<string, number | boolean> {
    const names = [...Object.keys(commonParams.shape), ...Object.keys(kind.params.shape)];
    return Object.fromEntries(names.filter((n) => params[n] !== undefined).map((n) => [n, params[n]]));
  }

  /** True when a build with `params` trains `kind`. */
  isEnabled(kind: ModelKind, params: BuildParams): boolean {
    return kind.enabled?.(params) ?? true;
  }

  /** How the store makes a served set of these kinds. */
  composition(): SetComposition {
    return {
      kinds: this.kinds.map((k) => k.name),
      required: this.kinds.filter((k) => k.required).map((k) => k.name),
      compose: (metas: Readonly<Record<string, KindMeta>>): SetFields => {
        const fields: SetFields = { datasetVersion: '', singularValues: [], explainedVariance: 0, counts: { users: 0, movies: 0, ratings: 0 }, shards: 1, k: 0, analytics: [] };
        // Later kinds fill only what earlier (primary) ones left empty.
        for (const kind of [...this.kinds].reverse()) {
          const meta = metas[kind.name];
          if (meta !== undefined && kind.setFields) Object.assign(fields, kind.setFields(meta));
        }
        if (fields.datasetVersion === '') fields.datasetVersion = Object.values(metas)[0]?.datasetVersion ?? '';
        // The newest build's parameters (toggles of kinds it left off included), each kind's own slice over them.
        const newest = Object.values(metas).reduce<KindMeta | null>((a, m) => (a === null || m.createdAt > a.createdAt ? m : a), null);
        fields.params = Object.assign({}, newest?.buildParams ?? {}, ...Object.values(metas).map((m) => m.params));
        return fields;
      },
    };
  }

  /** Ranking kinds served by `GET /users/:id/recommendations?algorithm=<name>`, by algorithm name. */
  recommenders(): ReadonlyMap<string, { kind: string; recommender: KindRecommender }> {
    return new Map(this.kinds.flatMap((k) => (k.recommender ? [[k.recommender.algorithm, { kind: k.name, recommender: k.recommender }] as const] : [])));
  }

  /** The kinds' models as `movielens evaluate` fits them, by kind name. */
  evaluations(): { kind: string; algorithm: Algorithm }[] {
    return this.kinds.flatMap((k) => (k.evaluation ? [{ kind: k.name, algorithm: k.evaluation() }] : []));
  }
}

/** The registry of the default kinds. */
export const defaultKinds = new KindRegistry();

/** All rebuild parameters of the default kinds, with defaults (what the API and the CLI validate). */
export const rebuildParamsSchema = defaultKinds.paramsSchema;
