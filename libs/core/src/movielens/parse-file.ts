/**
 * Convenience over the push parsers for any chunk source (file streams, HTTP bodies, Redis
 * reads, arrays in tests): detect the file from its name and first bytes, then stream it.
 */
import { detectFile, type DetectedFile } from './detect';
import { createMoviesParser, type MoviesResult } from './movies.parser';
import type { ParserOptions, StreamParser } from './parser-options';
import { createRatingsParser, type RatingsResult } from './ratings.parser';
import { createUsersParser, type UsersResult } from './users.parser';

/** Any source of byte chunks. */
export type ChunkSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Bytes of the head that detectFile() looks at. */
export const DETECT_HEAD_BYTES = 4096;

/** Feeds every chunk of `source` to `parser` and returns its result. */
export async function parseStream<R>(parser: StreamParser<R>, source: ChunkSource): Promise<R> {
  for await (const chunk of source) parser.push(chunk);
  return parser.end();
}

/** The result of parseFile(), tagged by what the file held. */
export type ParsedFile =
  | { file: DetectedFile; kind: 'ratings'; result: RatingsResult }
  | { file: DetectedFile; kind: 'movies'; result: MoviesResult }
  | { file: DetectedFile; kind: 'users'; result: UsersResult };

/**
 * Detects a file from its name and first bytes, then parses it with the matching parser.
 * Chunks read before detection are buffered (at most DETECT_HEAD_BYTES plus one chunk).
 * @param options - the ParserOptions other than `file`
 * @throws InputError for an unrecognized file or too many bad lines
 */
export async function parseFile(fileName: string, source: ChunkSource, options: Omit<ParserOptions, 'file'> = {}): Promise<ParsedFile> {
  const iterator = toAsyncIterator(source);
  const held: Uint8Array[] = [];
  let heldBytes = 0;
  let done = false;
  while (heldBytes < DETECT_HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    held.push(next.value);
    heldBytes += next.value.length;
  }
  const head = new Uint8Array(heldBytes);
  let offset = 0;
  for (const c of held) {
    head.set(c, offset);
    offset += c.length;
  }
  const file = detectFile(fileName, head.subarray(0, DETECT_HEAD_BYTES));
  const rest: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => (done ? emptyIterator() : iterator),
  };
  const feed = async <R>(parser: StreamParser<R>): Promise<R> => {
    parser.push(head);
    return parseStream(parser, rest);
  };
  const opts = { ...options, file };
  if (file.kind === 'ratings') return { file, kind: 'ratings', result: await feed(createRatingsParser(opts)) };
  if (file.kind === 'movies') return { file, kind: 'movies', result: await feed(createMoviesParser(opts)) };
  return { file, kind: 'users', result: await feed(createUsersParser(opts)) };
}

function toAsyncIterator(source: ChunkSource): AsyncIterator<Uint8Array> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const it = source[Symbol.iterator]();
  return { next: async () => it.next() };
}

function emptyIterator(): AsyncIterator<Uint8Array> {
  return { next: async () => ({ done: true, value: undefined }) };
}
