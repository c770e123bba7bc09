/**
 * The Lua scripts of the live log. Every key they touch is in the `{live}` slot, so each runs
 * atomically on one node, also in a Redis Cluster.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RedisClient } from '../connection';

/**
 * Accepts one request exactly once. KEYS: idempotency record, log, stats, user overlay.
 * ARGV: body sha256 ('' = no Idempotency-Key), record TTL ms, user id, ops JSON, op count,
 * then per op: movie id, stars or `d`, unix s or -1. Returns `{status, entry id}`: `new`
 * (written now), `replay` (the same key and body were accepted before: nothing written) or
 * `conflict` (the key was used with another body: nothing written), or `{corrupt, ''}` when the
 * stored record is not `<body hash>|<entry id>` (nothing written). The idempotency record
 * is written in the same script as the entry, so an entry exists if and only if its record does.
 */
export const APPEND_SCRIPT = `
if ARGV[1] ~= '' then
  local rec = redis.call('GET', KEYS[1])
  if rec then
    local sep = string.find(rec, '|', 1, true)
    if not sep then return {'corrupt', ''} end
    local id = string.sub(rec, sep + 1)
    if string.sub(rec, 1, sep - 1) == ARGV[1] then return {'replay', id} end
    return {'conflict', id}
  end
end
local id = redis.call('XADD', KEYS[2], '*', 'u', ARGV[3], 'ops', ARGV[4])
local sec = tostring(math.floor(tonumber(string.match(id, '^(%d+)')) / 1000))
for i = 6, #ARGV, 3 do
  local ts = ARGV[i + 2]
  if ts == '-1' then ts = sec end
  redis.call('HSET', KEYS[4], ARGV[i], id .. '|' .. ARGV[i + 1] .. '|' .. ts)
end
redis.call('HINCRBY', KEYS[3], 'ops', ARGV[5])
if ARGV[1] ~= '' then redis.call('SET', KEYS[1], ARGV[1] .. '|' .. id, 'PX', ARGV[2]) end
return {'new', id}`;

/**
 * Drops a user's overlay fields made by entries up to ARGV (ms, seq) inclusive: those are in
 * every dataset version served or current. A newer change of the same movie is kept.
 */
export const TRIM_USER_SCRIPT = `
local f = redis.call('HGETALL', KEYS[1])
local ms, seq = tonumber(ARGV[1]), tonumber(ARGV[2])
local n = 0
for i = 1, #f, 2 do
  local ems, eseq = string.match(f[i + 1], '^(%d+)-(%d+)|')
  ems, eseq = tonumber(ems), tonumber(eseq)
  if ems < ms or (ems == ms and eseq <= seq) then
    redis.call('HDEL', KEYS[1], f[i])
    n = n + 1
  end
end
return n`;

/**
 * The reply of {@link APPEND_SCRIPT}, validated rather than cast: a status and, but for
 * `corrupt`, a stream entry id (`<ms>-<seq>`; for `replay` and `conflict` read from the stored
 * idempotency record).
 */
export const appendReplySchema = z.union([
  z.tuple([z.enum(['new', 'replay', 'conflict']), z.string().regex(/^\d+-\d+$/, 'not a stream entry id')]),
  z.tuple([z.literal('corrupt'), z.literal('')]),
]);

const shaOf = new Map<string, string>();

/** Runs `script` by its sha1 (EVALSHA), loading it once per server when unknown (NOSCRIPT). */
export async function runScript(redis: RedisClient, script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
  let sha = shaOf.get(script);
  if (sha === undefined) shaOf.set(script, (sha = createHash('sha1').update(script).digest('hex')));
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
