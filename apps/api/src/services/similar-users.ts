/**
 * `GET /users/:id/similar`: a user's stored list of most similar users, read from the
 * `similarusers` kind version of the served set (one HGET).
 */
import { SIMILAR_USERS_TABLE, similarUsersKind, unpackSimilarUsers, type SimilarUser } from '@movielens/compute';
import { ModelTableError } from '@movielens/store';
import { HttpError, notFound } from '../middleware/errors';
import type { ModelSnapshot } from './model-snapshot';
import type { ModelReader } from './ports';

/** The kind version that answers. */
export type SimilarUsersSource = NonNullable<ReturnType<ModelSnapshot['source']>>;

/**
 * The `similarusers` kind version of the served set.
 * @throws HttpError 503 NOT_READY when the set has none (turned off, or still training)
 */
export function similarUsersSource(snap: ModelSnapshot): SimilarUsersSource {
  const source = snap.source(similarUsersKind.name);
  if (source === null) {
    throw new HttpError(503, 'NOT_READY', `Model ${snap.version} has no ${similarUsersKind.name} kind, which serves similar users: it is turned off (similarUsers: false) or still training. See GET /api/v1/models.`);
  }
  return source;
}

/**
 * A kind version skipped by its bound (`similarUsersMaxWork`) has no lists at all.
 * @throws HttpError 503 NOT_READY naming the reason, when the version was skipped
 */
async function refuseSkipped(models: Pick<ModelReader, 'kindMeta'>, snap: ModelSnapshot, source: SimilarUsersSource): Promise<void> {
  const skipped = (await models.kindMeta(source.version))?.info.skipped;
  if (typeof skipped === 'string') throw new HttpError(503, 'NOT_READY', `Model ${snap.version}: the ${source.kind} kind version ${source.version} computed no similar users: ${skipped}.`);
}

/**
 * The answer: the user's `k` most similar users, most similar first.
 * @throws HttpError 404 when the kind version has no list for the user (unknown to the data it was trained on)
 */
export async function similarUsersAnswer(models: Pick<ModelReader, 'row' | 'kindMeta'>, snap: ModelSnapshot, source: SimilarUsersSource, userId: number, k: number) {
  const buf = await models.row(snap.version, SIMILAR_USERS_TABLE, userId);
  if (buf === null) await refuseSkipped(models, snap, source);
  if (buf === null) throw notFound(`User ${userId} is not in the ${source.kind} kind of model ${snap.version} (trained on dataset ${source.datasetVersion}).`);
  let users: SimilarUser[];
  try {
    users = unpackSimilarUsers(buf);
  } catch (err) {
    throw new ModelTableError(`model ${snap.version}: the similar users of user ${userId} cannot be decoded`, { cause: err });
  }
  return { userId, model: snap.version, source, users: users.slice(0, k) };
}
