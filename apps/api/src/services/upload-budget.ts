import { Transform } from 'node:stream';
import { StagedNames } from '@movielens/store';
import { HttpError } from '../middleware/errors';

/** `limitBytes` in MiB for messages (three decimals below 1 MiB, so a test limit stays readable). */
function mib(limitBytes: number): string {
  return (limitBytes / 2 ** 20).toFixed(limitBytes < 2 ** 20 ? 3 : 0);
}

/** 413 naming the limit in MiB: the bytes received over the wire passed it. */
export function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, 'PAYLOAD_TOO_LARGE', `Upload exceeds the limit of ${mib(limitBytes)} MiB (UPLOAD_LIMIT_BYTES=${limitBytes}). Split the dataset or raise the limit.`);
}

/** 413 naming the entry whose unpacked bytes took the upload past the limit (a zip bomb, or just a big release). */
export function unpacksTooLarge(limitBytes: number, source: string): HttpError {
  return new HttpError(
    413,
    'PAYLOAD_TOO_LARGE',
    `${source}: the upload unpacks to more than ${mib(limitBytes)} MiB (UPLOAD_LIMIT_BYTES=${limitBytes} bounds the unpacked bytes staged too). Split the dataset or raise the limit.`,
  );
}

/**
 * What one upload may put in Redis. Two running totals, both capped by the upload limit:
 * the bytes received (a zip counts compressed) and the bytes staged (a zip entry counts
 * unpacked), so a small zip cannot unpack into gigabytes of Redis memory. Each staged name
 * is claimed once: two files that would both be staged as `u.data` are refused rather than
 * letting the ingest pick one silently.
 */
export class UploadBudget {
  /** Bytes received so far (files as sent; zips compressed). */
  received = 0;
  /** Bytes staged so far (files as sent; zip entries unpacked). */
  staged = 0;
  private readonly names = new StagedNames();

  /** @param limitBytes - cap of each running total, bytes (UPLOAD_LIMIT_BYTES) */
  constructor(readonly limitBytes: number) {}

  /**
   * Claims the staged name `name` (compared case-insensitively) for the file at `source`
   * ({@link StagedNames}, which the CLI uses too, so both refuse with the same message).
   * @param source - where the file comes from, as the client knows it: `u.data` or `ml-100k.zip:ml-100k/u.data`
   * @throws HttpError 400 naming both sources when another file already claimed the name
   */
  claim(name: string, source: string): void {
    try {
      this.names.claim(name, source);
    } catch (err) {
      throw new HttpError(400, 'BAD_REQUEST', (err as Error).message, { cause: err });
    }
  }

  /**
   * Checks, before reading it, that an entry declaring `bytes` unpacked still fits.
   * @throws HttpError 413 naming `source` when it does not
   */
  reserve(bytes: number, source: string): void {
    if (this.staged + bytes > this.limitBytes) throw unpacksTooLarge(this.limitBytes, source);
  }

  /**
   * A pass-through stream that adds every chunk to the totals it is given and fails with a 413
   * once one passes the limit.
   * @param totals - `received` for bytes off the wire, `staged` for bytes going to Redis
   * @param source - named in the 413 for staged bytes
   */
  meter(totals: readonly ('received' | 'staged')[], source: string): Transform {
    return new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        for (const total of totals) {
          this[total] += chunk.length;
          if (this[total] > this.limitBytes) {
            done(total === 'received' ? tooLarge(this.limitBytes) : unpacksTooLarge(this.limitBytes, source));
            return;
          }
        }
        done(null, chunk);
      },
    });
  }
}
