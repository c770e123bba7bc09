import { SIMILAR_USERS_TABLE, similarUsersKind, unpackSimilarUsers, type SimilarUser } from '@movielens/compute';
import { InputError, NotFoundError, NotReadyError } from '@movielens/core';
import type { Command } from '../command';
import { currentModel, listLength, parseIds, rankColumn } from '../model-reader';
import { connectRedis } from '../redis-connection';
import { formatTable, type Column } from '../table';

const columns: Column<SimilarUser>[] = [
  rankColumn(),
  { header: 'user id', align: 'right', cell: (u) => String(u.userId) },
  { header: 'cosine', align: 'right', cell: (u) => u.score.toFixed(3) },
  { header: 'movies in common', align: 'right', cell: (u) => String(u.common) },
];

/** `movielens similar-users`: the users most like one or more users, from the served set's `similarusers` kind. */
export const similarUsersCommand: Command = {
  name: 'similar-users',
  summary: 'Users most like the given users (cosine of their rated-movie sets), from the current model',
  usage: [
    'Usage: movielens similar-users <userId...> [-k 10]',
    '',
    '  -k N    entries per list (default 10; at most the build\'s similarUsersN, 50 by default)',
    '  --json  { userId, model, source, users: [{ userId, score, common }] }, an array for several ids',
  ].join('\n'),
  options: { k: { type: 'string', short: 'k' } },
  async run(ctx) {
    const k = listLength(ctx.args.values.k);
    const ids = parseIds(ctx.args.positionals, 'user');
    if (ids.length === 0) throw new InputError('name at least one user id');
    const conn = await connectRedis(ctx);
    try {
      const { models, meta } = await currentModel(conn);
      const ref = meta.kinds?.[similarUsersKind.name];
      if (ref === undefined) throw new NotReadyError(`model ${meta.id} has no ${similarUsersKind.name} kind: it was built with similarUsers: false, or is still training`);
      const source = { kind: similarUsersKind.name, version: ref.version, datasetVersion: ref.datasetVersion };
      const out: Record<string, unknown>[] = [];
      const missing: number[] = [];
      for (const id of ids) {
        const buf = await models.row(meta.id, SIMILAR_USERS_TABLE, id);
        if (buf === null) {
          missing.push(id);
          continue;
        }
        const users = unpackSimilarUsers(buf).slice(0, k);
        out.push({ userId: id, model: meta.id, source, users });
        ctx.print(`user ${id} (model ${meta.id}):`);
        for (const line of formatTable(columns, users)) ctx.print(line);
      }
      if (missing.length > 0) throw new NotFoundError(`user(s) ${missing.join(', ')} not in the ${similarUsersKind.name} kind of model ${meta.id}`);
      return ids.length === 1 ? out[0] : out;
    } finally {
      await conn.close();
    }
  },
};
