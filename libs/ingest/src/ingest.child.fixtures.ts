/**
 * Child process of the crash test: runs one ingest and never returns on its own terms when
 * the parent kills it with SIGKILL mid-write. Args: redisUrl prefix uploadId version owner.
 */
import { Redis } from 'ioredis';
import { KeySchema } from '@movielens/store';
import { runIngest } from './ingest.pipeline';

const [redisUrl, prefix, uploadId, version, owner] = process.argv.slice(2);
const redis = new Redis(redisUrl);
await runIngest({ redis, keys: new KeySchema(prefix), chunkSize: 16 }, { uploadId, mode: 'replace', maxErrors: 0, version, owner }, (p) => {
  if (p.phase === 'write') process.stdout.write('writing\n');
});
await redis.quit();
