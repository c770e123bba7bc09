/**
 * What the service is doing, for people: the model served and the data it was built from
 * (synthetic or not, with or without demographics), a newer dataset not served yet, and the
 * builds waiting or running. `GET /api/v1/status` sends it; the next-movie routes use the
 * builds to tell "being trained" from "not asked for".
 */
import type { StatusAnswer } from '@movielens/contracts';
import type { KindRegistry } from '@movielens/compute';
import { isSyntheticCatalogue, rankMovies } from '@movielens/core';
import { buildsInProgress, type BuildInProgress } from '@movielens/jobs';
import type { ApiQueues } from '../deps';
import { HttpError, lstmNotReady, lstmTraining } from '../middleware/errors';
import { defaultAlgorithm } from './default-algorithm';
import type { ModelSnapshot } from './model-snapshot';
import type { NoLstm } from './next-movies';
import type { DatasetReader } from './ports';

/** The waiting or running jobs of both rebuild queues. */
export function currentBuilds(queues: ApiQueues): Promise<BuildInProgress[]> {
  return buildsInProgress([queues.rebuild, queues.rebuildShard]);
}

/** The `noLstm` of the next-movie routes: LSTM_TRAINING while a build trains one, else NOT_READY. */
export function explainNoLstm(queues: ApiQueues): NoLstm {
  return async (version) => {
    const lstmBuilds = (await currentBuilds(queues)).filter((b) => b.lstm);
    // The job that says how far the LSTM is (its kind job, or a rebuild reporting its kinds), else any that trains one.
    const training = lstmBuilds.find((b) => b.lstmPercent !== null) ?? lstmBuilds[0];
    return training === undefined ? lstmNotReady(version) : lstmTraining(version, training);
  };
}

/** The data a served model was built from, as `GET /status` describes it (its contract). */
export type ServedDataset = NonNullable<StatusAnswer['dataset']>;

/** The answer of `GET /api/v1/status`: the contracts' `statusAnswer`. */
export type ServiceStatus = StatusAnswer;

const iso = (ms: number) => new Date(ms).toISOString();

/** What a snapshot says about its data, computed once per model version. */
function servedDataset(snap: ModelSnapshot, datasets: DatasetReader): Promise<ServedDataset | null> {
  return snap.memo('served-dataset', async () => {
    const meta = await datasets.meta(snap.meta.datasetVersion);
    if (meta === null) return null;
    return {
      version: meta.version,
      release: meta.release,
      createdAt: iso(meta.createdAt),
      synthetic: isSyntheticCatalogue(snap.catalogue.map((e) => e.movie.title)),
      demographics: meta.hasUserInfo,
      counts: { ratings: meta.counts.ratings, users: meta.counts.users, movies: meta.counts.movies },
    };
  });
}

/** The most rated movie's title, once per model version. */
function searchExample(snap: ModelSnapshot): Promise<string | null> {
  return snap.memo('search-example', async () => {
    const { table } = await snap.stats();
    const [top] = rankMovies(table, { by: 'count', limit: 1 });
    return top === undefined ? null : snap.title(top.movieId);
  });
}

/** Every ranking kind's `?algorithm=`, whether the set serves its kind, and which one answers without `?algorithm=`. */
async function servedAlgorithms(snap: ModelSnapshot, kinds: KindRegistry): Promise<NonNullable<StatusAnswer['model']>['algorithms']> {
  const chosen = await defaultAlgorithm(snap);
  return [...kinds.recommenders()].map(([algorithm, { kind, recommender }]) => ({ algorithm, kind, scoreUnit: recommender.scoreUnit, served: snap.source(kind) !== null, default: algorithm === chosen }));
}

/** Builds the status; `snap` is null before the first model. `kinds` names the algorithms the model offers. */
export async function serviceStatus(snap: ModelSnapshot | null, datasets: DatasetReader, queues: ApiQueues, kinds: KindRegistry): Promise<ServiceStatus> {
  const [current, builds] = await Promise.all([datasets.currentVersion(), currentBuilds(queues)]);
  const newVersion = current !== null && current !== snap?.meta.datasetVersion ? current : null;
  const newMeta = newVersion === null ? null : await datasets.meta(newVersion);
  return {
    model:
      snap === null
        ? null
        : {
            version: snap.version,
            createdAt: Number.isFinite(snap.meta.createdAt) ? iso(snap.meta.createdAt) : null,
            datasetVersion: snap.meta.datasetVersion,
            nextMovies: (await snap.lstm()) !== null,
            algorithms: await servedAlgorithms(snap, kinds),
          },
    dataset: snap === null ? null : await servedDataset(snap, datasets),
    newDataset: newVersion === null ? null : { version: newVersion, createdAt: newMeta === null ? null : iso(newMeta.createdAt) },
    builds: builds.map((b) => ({ ...b, createdAt: iso(b.createdAt), startedAt: b.startedAt === null ? null : iso(b.startedAt) })),
    searchExample: snap === null ? null : await searchExample(snap),
  };
}

/** True for the 503 the model reads throw before the first model exists. */
export function isNoModel(err: unknown): boolean {
  return err instanceof HttpError && err.status === 503 && err.code === 'NOT_READY';
}
