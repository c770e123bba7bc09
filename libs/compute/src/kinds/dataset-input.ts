import type { DatasetStore } from '@movielens/store';
import type { DatasetInput } from './model-kind';

/** The dataset of version `version` for a kind's training: each part loaded on first use, once. */
export function datasetInput(datasets: DatasetStore, version: string): DatasetInput {
  const once = <T>(load: () => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => (value ??= load());
  };
  return {
    version,
    // In shared memory: the compute tasks read it without a copy each.
    ratings: once(() => datasets.loadRatings(version, undefined, true)),
    movies: once(() => datasets.loadMovies(version)),
    users: once(() => datasets.loadUsers(version)),
  };
}
