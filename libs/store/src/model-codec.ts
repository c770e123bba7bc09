/**
 * Binary encodings of model tables in Redis. Numeric tables are stored as the raw bytes of
 * typed arrays (little-endian, the byte order of every platform Node runs on), so a read is
 * one GET and one copy, with no parsing.
 *
 *   scored list   Int32 ids[n] | Float32 scores[n]            (8n bytes; one similar list / one user's recs)
 *   column table  Uint32 headerLength | JSON header | columns   (header: [{ name, type, length }], columns 8-byte aligned)
 *   LSTM user     Uint32 H | Float32 hidden[H] | Int32 history[n]  (4 + 4H + 4n bytes; one user's final LSTM hidden
 *                 state and rated movies as the model's dense indices, oldest first: all a next-movie answer needs)
 *
 * Decoders check the layout (header shape, column bounds, byte lengths) and throw
 * `CorruptRecordError` on a value that does not fit it, rather than reading past it or
 * returning a table whose columns are not the types the reader expects.
 */
import { z } from 'zod';
import { CorruptRecordError, decodeJson } from './stored-json';

/** A numeric column of a {@link ColumnTable}. */
export type NumericColumn = Int32Array | Float32Array | Float64Array | Uint32Array;

/** A table of named, equally indexed numeric columns, e.g. per-movie statistics by dense movie index. */
export type ColumnTable = Record<string, NumericColumn>;

/** One entry of a similar-movies list or a recommendation list. */
export interface ScoredMovie {
  /** MovieLens movie id. */
  movieId: number;
  /** Cosine similarity (similar lists) or predicted rating in stars (recommendations). */
  score: number;
}

const COLUMN_TYPES = { Int32Array, Float32Array, Float64Array, Uint32Array } as const;
type ColumnType = keyof typeof COLUMN_TYPES;

/** The JSON header of a column table: each column's name, type, length (elements) and byte offset after the header. */
const columnHeaderSchema = z.array(
  z.object({
    name: z.string(),
    type: z.enum(['Int32Array', 'Float32Array', 'Float64Array', 'Uint32Array']),
    length: z.number().int().min(0),
    offset: z.number().int().min(0),
  }),
);

/** Copies `buf` into a fresh ArrayBuffer: Redis replies are not aligned for typed-array views. */
function aligned(buf: Buffer, start = 0, end = buf.length): ArrayBuffer {
  const out = new ArrayBuffer(end - start);
  new Uint8Array(out).set(buf.subarray(start, end));
  return out;
}

/** Bytes of a typed array (a view, no copy). */
export function bytesOf(array: NumericColumn): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Packs a scored list: ids then scores. The ids are MovieLens ids, not
 * dense indices, so a reader needs nothing else to decode a list.
 */
export function packScoredList(ids: Int32Array, scores: Float32Array): Buffer {
  const n = ids.length;
  const out = Buffer.allocUnsafe(8 * n);
  Buffer.from(ids.buffer, ids.byteOffset, 4 * n).copy(out, 0);
  Buffer.from(scores.buffer, scores.byteOffset, 4 * n).copy(out, 4 * n);
  return out;
}

/** Decodes a list packed by {@link packScoredList}, best first as stored. @throws CorruptRecordError when the length is not a multiple of 8 */
export function unpackScoredList(buf: Buffer): ScoredMovie[] {
  if (buf.length % 8 !== 0) throw new CorruptRecordError(`scored list of ${buf.length} bytes: not 8 bytes per entry`);
  const n = buf.length / 8;
  const ids = new Int32Array(aligned(buf, 0, 4 * n));
  const scores = new Float32Array(aligned(buf, 4 * n, 8 * n));
  const out: ScoredMovie[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { movieId: ids[i], score: scores[i] };
  return out;
}

/** Packs a column table (see the layout in this file's header). */
export function packColumns(table: ColumnTable): Buffer {
  const header: { name: string; type: ColumnType; length: number; offset: number }[] = [];
  let offset = 0;
  for (const [name, column] of Object.entries(table)) {
    header.push({ name, type: column.constructor.name as ColumnType, length: column.length, offset });
    offset += Math.ceil(column.byteLength / 8) * 8;
  }
  const json = Buffer.from(JSON.stringify(header));
  const base = Math.ceil((4 + json.length) / 8) * 8;
  const out = Buffer.alloc(base + offset);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  for (const [i, column] of Object.values(table).entries()) bytesOf(column).copy(out, base + header[i].offset);
  return out;
}

/**
 * Decodes a table packed by {@link packColumns}.
 * @throws CorruptRecordError when the header is not one, or a column lies outside the bytes
 */
export function unpackColumns(buf: Buffer): ColumnTable {
  const length = buf.length >= 4 ? buf.readUInt32LE(0) : -1;
  if (length < 0 || 4 + length > buf.length) throw new CorruptRecordError(`column table of ${buf.length} bytes: its header length ${length} does not fit`);
  const header = decodeJson(columnHeaderSchema, buf.subarray(4, 4 + length).toString(), 'column table header');
  const base = Math.ceil((4 + length) / 8) * 8;
  const table: ColumnTable = {};
  for (const col of header) {
    const Ctor = COLUMN_TYPES[col.type];
    const start = base + col.offset;
    const end = start + col.length * Ctor.BYTES_PER_ELEMENT;
    if (end > buf.length) throw new CorruptRecordError(`column table: column ${col.name} (${col.length} x ${col.type}) ends at byte ${end} of ${buf.length}`);
    table[col.name] = new Ctor(aligned(buf, start, end));
  }
  return table;
}

/**
 * Column `name` of a decoded table as the typed array the reader expects.
 * @param type - its constructor, e.g. `Int32Array`
 * @param what - names the table in the error
 * @throws CorruptRecordError when the column is absent or of another type
 */
export function columnOf<C extends NumericColumn>(table: ColumnTable, name: string, type: abstract new (...args: never[]) => C, what: string): C {
  const column = table[name];
  if (column instanceof type) return column;
  throw new CorruptRecordError(`${what}: column ${name} is ${column === undefined ? 'missing' : `a ${column.constructor.name}, not a ${type.name}`}`);
}

/** One user's stored next-movie LSTM state (see the layout in this file's header). */
export interface LstmUserState {
  /** Hidden state after the user's whole history (length = the model's hidden size). */
  hidden: Float32Array;
  /** The user's rated movies as dense indices of the version's LSTM model, oldest first. */
  history: Int32Array;
}

/** Packs a user's LSTM state: the hidden size, the hidden vector, then the dense history. */
export function packLstmUserState(hidden: Float32Array, history: Int32Array): Buffer {
  const out = Buffer.allocUnsafe(4 + 4 * hidden.length + 4 * history.length);
  out.writeUInt32LE(hidden.length, 0);
  bytesOf(hidden).copy(out, 4);
  bytesOf(history).copy(out, 4 + 4 * hidden.length);
  return out;
}

/** Decodes a state packed by {@link packLstmUserState}. @throws CorruptRecordError when the byte length does not fit the layout */
export function unpackLstmUserState(buf: Buffer): LstmUserState {
  const size = buf.length >= 4 ? buf.readUInt32LE(0) : -1;
  const end = 4 + 4 * size;
  if (size < 1 || end > buf.length || buf.length % 4 !== 0) throw new CorruptRecordError(`malformed LSTM user state of ${buf.length} bytes`);
  return { hidden: new Float32Array(aligned(buf, 4, end)), history: new Int32Array(aligned(buf, end)) };
}
