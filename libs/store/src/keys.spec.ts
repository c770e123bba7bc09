import { describe, expect, it } from 'vitest';
import { KeySchema } from './keys';

/** Redis Cluster slot of a key: the CRC16 of its hash tag (or whole name), mod 16384. */
function clusterSlot(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const tagged = open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(tagged)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

describe('KeySchema', () => {
  const keys = new KeySchema('ml');

  it('puts every key under the configured prefix', () => {
    const all = [keys.datasetCurrent(), keys.datasetMeta('v1'), keys.datasetRatingsChunk('v1', 3), keys.uploadChunk('u', 0, 1), keys.modelShard('m', 'similar', 2), keys.lock('rebuild')];
    for (const key of all) expect(key.startsWith('ml:')).toBe(true);
  });

  it('keeps the whole-version keys of a dataset in one cluster slot', () => {
    const slot = clusterSlot(keys.datasetMeta('v1'));
    expect(clusterSlot(keys.datasetMovies('v1'))).toBe(slot);
    expect(clusterSlot(keys.datasetUsers('v1'))).toBe(slot);
  });

  it('spreads ratings chunks and model shards over different slots', () => {
    const chunkSlots = new Set(Array.from({ length: 16 }, (_, c) => clusterSlot(keys.datasetRatingsChunk('v1', c))));
    const shardSlots = new Set(Array.from({ length: 16 }, (_, s) => clusterSlot(keys.modelShard('m1', 'recs', s))));
    expect(chunkSlots.size).toBeGreaterThan(8);
    expect(shardSlots.size).toBeGreaterThan(8);
  });

  it('rejects a prefix that would break key parsing', () => {
    expect(() => new KeySchema('ml:{x}')).toThrow(/invalid key prefix/);
  });
});
