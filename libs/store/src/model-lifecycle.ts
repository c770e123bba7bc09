import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { MovieLensError, NotFoundError } from '@movielens/core';
import type { RedisClient } from './connection';
import { ModelTable, type KeySchema } from './keys';
import { withShortLock } from './locks/owned-lock';
import { modelStagingRecordSchema, recipeSchema, type KindMeta, type KindRef, type ModelMeta, type TableHome, type TableStamp } from './model.meta';
import { ModelInUseError, ModelStore } from './model.store';
import { CorruptRecordError, decodeJson } from './stored-json';

/** The fields of a set version that its kinds decide (the primary kind's data, the analytics table list...). */
export type SetFields = Pick<ModelMeta, 'datasetVersion' | 'singularValues' | 'explainedVariance' | 'counts' | 'shards' | 'k' | 'analytics'> & {
  /** The set's build parameters; default: every kind's `params` merged. */
  params?: Record<string, number | boolean>;
};

/** How the kinds of a set make its kind-specific fields; supplied by the kind registry. */
export interface SetComposition {
  /** Every registered kind. */
  kinds: readonly string[];
  /** Kinds a set needs before it is served (e.g. `svd`, `analytics`): until then finished kinds wait, ready. */
  required: readonly string[];
  /** The kind-specific fields of a set made of these kind versions (every required kind is present). */
  compose(kinds: Readonly<Record<string, KindMeta>>): SetFields;
}

/** What publishing a kind version did. */
export type PublishOutcome =
  | { published: true; set: ModelMeta }
  /** The kind version is ready and listed, but a required kind has none yet: it joins the first set that can be served. */
  | { published: false; waiting: true; missing: string[] }
  /** The served set already has this kind built from newer data: this version was deleted. */
  | { published: false; waiting: false; stale: true; servedVersion: string };

/** Options of {@link ModelLifecycle}. */
export interface LifecycleOptions {
  /** Older set versions kept for rollback besides the served one. Default 2. */
  keep?: number;
}

/** A per-kind rollback names a kind version that is not listed (deleted, never published, or of another kind). */
export class KindVersionError extends MovieLensError {
  constructor(message: string) {
    super('KIND_VERSION', message);
  }
}

/** The publish lock is held too long by another publisher (a crashed one holds it at most `PUBLISH_HOLD_MS`). */
const PUBLISH_HOLD_MS = 30_000;

/**
 * Lifecycle administration of model versions: publishing a kind version into a new served set,
 * rollback of the whole set or of one kind, pruning, and sweeping abandoned builds.
 *
 * Consistency rules (docs/ARCHITECTURE.md):
 * - A set version is immutable: its meta is written once, before the pointer switch.
 * - Publishing kind K makes a new set: the served set's kind versions with K's replaced (kinds
 *   that finished while no set could be served yet join it too). Kinds may so come from
 *   different dataset versions; each answer names its kind version and dataset version.
 * - A kind version never replaces one of the same kind built from newer data (it is deleted).
 * - Sets are published one at a time (a short lock), so two kinds finishing together both land.
 * - Pruning keeps the served set and `keep` older ones; a kind version is deleted once no kept
 *   set serves it and a newer one of its kind is served.
 */
export class ModelLifecycle {
  private readonly store: ModelStore;
  private readonly keep: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: KeySchema,
    options: LifecycleOptions = {},
  ) {
    this.store = new ModelStore(redis, keys);
    this.keep = options.keep ?? 2;
  }

  /**
   * Publishes a finished kind version (its tables and `KindMeta` written): lists it as ready,
   * then, unless it is stale, serves a new set with it. See the class comment for the rules.
   */
  async publishKind(meta: KindMeta, composition: SetComposition): Promise<PublishOutcome> {
    const outcome = await this.underPublishLock(async (): Promise<PublishOutcome> => {
      const current = await this.currentSet();
      const served = current?.kinds?.[meta.kind];
      if (served !== undefined && served.datasetCreatedAt > meta.datasetCreatedAt) {
        await this.deleteVersion(meta.id);
        return { published: false, waiting: false, stale: true, servedVersion: served.version };
      }
      // Listed by when it became ready: a version ready after the served set was made joins the next one.
      await this.redis.zadd(this.keys.modelKindVersions(meta.kind), Date.now(), meta.id);
      await this.redis.hdel(this.keys.modelStaging(), meta.id);
      const kinds = await this.kindsToServe(current, composition, { [meta.kind]: meta });
      const missing = composition.required.filter((k) => kinds[k] === undefined);
      if (missing.length > 0) return { published: false, waiting: true, missing };
      return { published: true, set: await this.serveSet(kinds, current, composition) };
    });
    await this.prune(composition.kinds);
    return outcome;
  }

  /**
   * Per-kind rollback (or roll forward): serves a new set made of the served one with `kind`
   * replaced by its listed version `kindVersion`. The rule against older data does not apply: an
   * operator asked for it. Returns the new set.
   */
  async activateKind(kind: string, kindVersion: string, composition: SetComposition): Promise<ModelMeta> {
    const set = await this.underPublishLock(async () => {
      const listed = await this.redis.zscore(this.keys.modelKindVersions(kind), kindVersion);
      const meta = listed === null ? null : await this.store.kindMeta(kindVersion);
      if (meta === null || meta.kind !== kind) throw new KindVersionError(`${kindVersion} is not a listed version of kind ${kind}`);
      const current = await this.currentSet();
      const kinds = await this.kindsToServe(current, composition, { [kind]: meta });
      const missing = composition.required.filter((k) => kinds[k] === undefined);
      if (missing.length > 0) throw new KindVersionError(`no set can be served yet: kinds ${missing.join(', ')} have no version`);
      return this.serveSet(kinds, current, composition);
    });
    await this.prune(composition.kinds);
    return set;
  }

  /** Serves the listed set version `ver` again (whole-set rollback or roll forward). Throws when it is not listed. */
  async activate(ver: string): Promise<void> {
    const score = await this.redis.zscore(this.keys.modelVersions(), ver);
    if (score === null || (await this.store.meta(ver)) === null) throw new NotFoundError(`model version ${ver} is not published`);
    await this.redis.set(this.keys.modelCurrent(), ver);
    await this.redis.publish(this.keys.events(), `model ${ver}`);
  }

  /**
   * The build parameters the last explicit rebuild request set (only those it named: model
   * selection's tuned values fill the others), or null before the first: what a rebuild asked
   * for by an ingest or by selection inherits, even while that request's kinds are still training.
   * Checked here for the shape `setRecipe` writes (numbers and booleans by name); the kind
   * registry checks the values. A corrupt recipe counts as none (the served set's parameters
   * apply, and the next explicit request writes a new one): it is a hint for the next build,
   * and failing on it would also fail the explicit rebuild that repairs it.
   */
  async recipe(): Promise<Record<string, number | boolean> | null> {
    const key = this.keys.modelRecipe();
    const raw = await this.redis.get(key);
    if (raw === null) return null;
    try {
      return decodeJson(recipeSchema, raw, 'rebuild recipe', key);
    } catch (err) {
      if (err instanceof CorruptRecordError) return null;
      throw err;
    }
  }

  /** Records the build parameters an explicit rebuild request named (see {@link recipe}). */
  async setRecipe(params: Readonly<Record<string, number | boolean>>): Promise<void> {
    await this.redis.set(this.keys.modelRecipe(), JSON.stringify(params));
  }

  /** Published versions of one kind, oldest first, with whether the served set uses each. */
  async kindVersions(kind: string): Promise<{ id: string; createdAt: number; served: boolean }[]> {
    const [flat, current] = await Promise.all([this.redis.zrange(this.keys.modelKindVersions(kind), 0, -1, 'WITHSCORES'), this.currentSet()]);
    const served = current?.kinds?.[kind]?.version;
    const out = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ id: flat[i], createdAt: Number(flat[i + 1]), served: flat[i] === served });
    return out;
  }

  /**
   * Deletes every key of a version, set or kind (UNLINK key by key: the keys span several
   * cluster slots) and removes it from the lists and the staging marker. Refuses the served set
   * and a kind version it serves. The staging marker goes first: a job that writes to the version
   * afterwards sees it gone when it checks again after its writes, and deletes what it wrote.
   */
  async deleteVersion(ver: string): Promise<number> {
    const current = await this.currentSet();
    if (current !== null && (current.id === ver || Object.values(current.kinds ?? {}).some((k) => k.version === ver))) {
      throw new ModelInUseError(`model version ${ver} is being served; activate another first`);
    }
    await this.redis.hdel(this.keys.modelStaging(), ver);
    const kind = (await this.store.kindMeta(ver).catch(() => null))?.kind ?? kindOfId(ver);
    const manifest = await this.redis.smembers(this.keys.modelTable(ver, ModelTable.manifest));
    const keys = manifest.map((name) => this.keyOfManifestEntry(ver, name));
    keys.push(this.keys.modelMeta(ver), this.keys.modelKindMeta(ver), this.keys.modelTable(ver, ModelTable.stamps), this.keys.modelTable(ver, ModelTable.manifest));
    let deleted = 0;
    for (const key of keys) deleted += await this.redis.unlink(key);
    await this.redis.zrem(this.keys.modelVersions(), ver);
    if (kind !== null) await this.redis.zrem(this.keys.modelKindVersions(kind), ver);
    return deleted;
  }

  /**
   * Keeps the served set and the `keep` newest other sets; deletes the rest, then every kind
   * version (of `registered` kinds and those of kept sets) that no kept set serves and that was
   * ready before its kind's served version (newer ones are ready to join the next set).
   * Returns the deleted ids.
   */
  async prune(registered: readonly string[] = []): Promise<string[]> {
    const current = await this.redis.get(this.keys.modelCurrent());
    const newestFirst = (await this.redis.zrange(this.keys.modelVersions(), 0, -1)).reverse().filter((v) => v !== current);
    const doomed = newestFirst.slice(this.keep);
    for (const ver of doomed) await this.deleteVersion(ver);
    const kept = [current, ...newestFirst.slice(0, this.keep)].filter((v): v is string => v !== null);
    const metas = (await Promise.all(kept.map((v) => this.store.meta(v)))).filter((m): m is ModelMeta => m !== null);
    const servedSet = metas.find((m) => m.id === current);
    const kinds = new Set([...registered, ...metas.flatMap((m) => Object.keys(m.kinds ?? {}))]);
    for (const kind of kinds) {
      const inUse = new Set(metas.map((m) => m.kinds?.[kind]?.version).filter((v): v is string => v !== undefined));
      const servedRef = servedSet?.kinds?.[kind];
      // Versions ready before the served one (or, for a kind the served set lacks, before that set
      // was made) are superseded; later ones wait to join the next set.
      const servedAt = servedRef === undefined ? (servedSet?.createdAt ?? -Infinity) : ((await this.redis.zscore(this.keys.modelKindVersions(kind), servedRef.version)) ?? -Infinity);
      const listed = await this.redis.zrange(this.keys.modelKindVersions(kind), 0, -1, 'WITHSCORES');
      for (let i = 0; i < listed.length; i += 2) {
        if (!inUse.has(listed[i]) && Number(listed[i + 1]) < Number(servedAt)) {
          await this.deleteVersion(listed[i]);
          doomed.push(listed[i]);
        }
      }
    }
    return doomed;
  }

  /** True when `ver` is a listed set or kind version. */
  async isPublished(ver: string): Promise<boolean> {
    if ((await this.redis.zscore(this.keys.modelVersions(), ver)) !== null) return true;
    const kind = kindOfId(ver);
    return kind !== null && (await this.redis.zscore(this.keys.modelKindVersions(kind), ver)) !== null;
  }

  /** True when `ver` is in the staging marker: being built, not yet published or deleted. */
  async isStaged(ver: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.modelStaging(), ver)) === 1;
  }

  /**
   * Deletes the partial keys of abandoned builds: versions in the staging marker that were
   * never published, except `activeVer` and versions whose owner (the job that began them)
   * `isLive` says is still running, waiting for its children or retrying. Returns the swept ids.
   */
  async sweepStaging(activeVer?: string, isLive: (owner: string) => Promise<boolean> = async () => false): Promise<string[]> {
    const staged = await this.redis.hgetall(this.keys.modelStaging());
    const swept: string[] = [];
    for (const [ver, raw] of Object.entries(staged)) {
      if (ver === activeVer) continue;
      if (await this.isPublished(ver)) {
        await this.redis.hdel(this.keys.modelStaging(), ver);
        continue;
      }
      const owner = stagingOwner(raw);
      if (owner !== null && (await isLive(owner))) continue;
      await this.deleteVersion(ver);
      swept.push(ver);
    }
    return swept;
  }

  /**
   * The newest version of `kind` that became ready after the served set `current` was made (by
   * default the served one), or null: it waits to join the next set (a required kind had no
   * version yet) and is the kind's newest build although no set serves it yet.
   */
  async waitingKindVersion(kind: string, current?: ModelMeta | null): Promise<KindMeta | null> {
    const set = current === undefined ? await this.currentSet() : current;
    const [newest, readyAt] = await this.redis.zrange(this.keys.modelKindVersions(kind), 0, 0, 'REV', 'WITHSCORES');
    if (newest === undefined || Number(readyAt) <= (set?.createdAt ?? -Infinity)) return null;
    return this.store.kindMeta(newest);
  }

  /** The served set's meta, or null before the first set. */
  private async currentSet(): Promise<ModelMeta | null> {
    const ver = await this.redis.get(this.keys.modelCurrent());
    return ver === null ? null : this.store.meta(ver);
  }

  /**
   * Serves a new set without `kind` (an optional kind turned off, e.g. a rebuild with `lstm: false`).
   * No-op (null) when the served set has no such kind. Required kinds cannot be retired.
   */
  async retireKind(kind: string, composition: SetComposition): Promise<ModelMeta | null> {
    if (composition.required.includes(kind)) throw new KindVersionError(`kind ${kind} is required by every set`);
    const set = await this.underPublishLock(async () => {
      const current = await this.currentSet();
      if (current?.kinds?.[kind] === undefined) return null;
      const kinds = await this.kindsToServe(current, composition, {});
      delete kinds[kind];
      return this.serveSet(kinds, current, composition);
    });
    if (set !== null) await this.prune(composition.kinds);
    return set;
  }

  /**
   * The kind versions of the next set: the served set's, plus for each kind it lacks the newest
   * version that became ready after the served set was made (it finished while no set could be
   * served, or while another kind published), then `override`.
   */
  private async kindsToServe(current: ModelMeta | null, composition: SetComposition, override: Record<string, KindMeta>): Promise<Record<string, KindMeta>> {
    const kinds: Record<string, KindMeta> = {};
    for (const [kind, ref] of Object.entries(current?.kinds ?? {})) {
      const meta = await this.store.kindMeta(ref.version);
      if (meta !== null) kinds[kind] = meta;
    }
    for (const kind of composition.kinds) {
      if (kinds[kind] !== undefined || override[kind] !== undefined) continue;
      const meta = await this.waitingKindVersion(kind, current);
      if (meta !== null) kinds[kind] = meta;
    }
    return { ...kinds, ...override };
  }

  /** Writes a new set of `kinds` once, lists it and switches the pointer to it. */
  private async serveSet(kinds: Record<string, KindMeta>, previous: ModelMeta | null, composition: SetComposition): Promise<ModelMeta> {
    const now = Date.now();
    const id = `m${Math.max(now, (previous?.createdAt ?? 0) + 1)}-${randomBytes(2).toString('hex')}`;
    const refs: Record<string, KindRef> = {};
    const tableHomes: Record<string, TableHome> = {};
    const tables: Record<string, TableStamp> = {};
    const params: Record<string, number | boolean> = {};
    const timings: Record<string, number> = {};
    for (const [kind, meta] of Object.entries(kinds)) {
      const previousRef = previous?.kinds?.[kind];
      refs[kind] = {
        version: meta.id,
        datasetVersion: meta.datasetVersion,
        datasetCreatedAt: meta.datasetCreatedAt,
        params: meta.params,
        timings: meta.timings,
        publishedAt: previousRef?.version === meta.id ? previousRef.publishedAt : now,
      };
      for (const [table, stamp] of Object.entries(meta.tables)) {
        tables[table] = stamp;
        tableHomes[table] = { version: meta.id, shards: meta.shards };
      }
      Object.assign(params, meta.params);
      Object.assign(timings, meta.timings);
    }
    const { params: composed, ...fields } = composition.compose(kinds);
    const set: ModelMeta = { id, ...fields, params: composed ?? params, timings, host: hostname(), createdAt: Math.max(now, (previous?.createdAt ?? 0) + 1), publishedAt: now, tables, kinds: refs, tableHomes };
    await this.redis.set(this.keys.modelMeta(id), JSON.stringify(set));
    await this.redis.zadd(this.keys.modelVersions(), set.createdAt, id);
    await this.redis.set(this.keys.modelCurrent(), id);
    await this.redis.publish(this.keys.events(), `model ${id}`);
    return set;
  }

  private async underPublishLock<T>(fn: () => Promise<T>): Promise<T> {
    const result = await withShortLock(this.redis, this.keys.modelPublishLock(), fn, { holdMs: PUBLISH_HOLD_MS, waitMs: 2 * PUBLISH_HOLD_MS, retryMs: 25 });
    if (!result.ran) throw new Error('could not take the model publish lock within 60 s');
    return result.value;
  }

  /** The key of a manifest entry: `<table>/<shard>` for shards, a plain table name otherwise. */
  private keyOfManifestEntry(ver: string, name: string): string {
    const slash = name.lastIndexOf('/');
    return slash > 0 ? this.keys.modelShard(ver, name.slice(0, slash), Number(name.slice(slash + 1))) : this.keys.modelTable(ver, name);
  }
}

/** The kind of a kind version id (`svd-1764...-3fa2` -> `svd`), or null for a set id. */
export function kindOfId(ver: string): string | null {
  const m = /^([a-z][a-z0-9-]*?)-\d+-[0-9a-f]+$/.exec(ver);
  return m === null ? null : m[1];
}

/**
 * The owner of a staging marker value, or null when it has none, or is not a staging record
 * (older builds wrote a bare start time): a version without a live owner is swept, which is
 * what the marker is for.
 */
function stagingOwner(raw: string): string | null {
  try {
    return decodeJson(modelStagingRecordSchema, raw, 'staging marker').owner ?? null;
  } catch (err) {
    if (err instanceof CorruptRecordError) return null;
    throw err;
  }
}
