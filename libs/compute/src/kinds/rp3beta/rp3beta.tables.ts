/**
 * Table names of the `rp3beta` kind under its kind version (keys from store `KeySchema`:
 * `modelTable(ver, name)`, sharded ones `modelShard(ver, name, shard)`); the layout is documented
 * at the top of `rp3beta.kind.ts`.
 */

/** Column table { movieIds Int32 (the catalogue, ascending), raters Int32 }. */
export const RP3_MOVIES_TABLE = 'rp3-movies';

/** Sharded hash (movie id modulo shards): movie id -> packed scored list of its kept W row. */
export const RP3_TABLE = 'rp3';
