import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a test zip; the fields past `data` write odd headers on purpose. */
export interface TestZipEntry {
  /** Entry name as written in the headers, e.g. `ml-100k/u.data` (`/` separators, not checked). */
  name: string;
  /** Unpacked bytes. */
  data: Buffer;
  /**
   * Compression method written in the headers. 0 stores the data, 8 deflates it; any other
   * number (12 bzip2, 14 LZMA...) is only declared, the data is stored as is. Default: 8 with
   * `deflate`, else 0.
   */
  method?: number;
  /** General purpose bit flags, e.g. 0x1 (encrypted: the data is not really encrypted). Default 0. */
  flags?: number;
  /** Unpacked size written in the headers, bytes. Default: the real size (another value makes an entry that lies). */
  declaredBytes?: number;
  /** Packed size written in the headers, bytes. Default: the real size. */
  packedBytes?: number;
  /** CRC-32 written in the headers. Default: the real one (another value makes a damaged entry). */
  crc32?: number;
  /** Unix mode in the external attributes, e.g. 0o120777 for a symbolic link. Default: none (0). */
  unixMode?: number;
}

/** Options of {@link buildZip}. */
export interface TestZipOptions {
  /** Deflate every entry that names no method. Default false (stored). */
  deflate?: boolean;
  /** Write zip64 headers (sizes and offsets in extra fields, zip64 end records). Default false. */
  zip64?: boolean;
  /** "Number of this disk" of the end record: non-zero marks a part of a split archive. Default 0. */
  diskNumber?: number;
}

const U32 = 0xffffffff;

/** The zip64 extended information extra field (id 0x0001) holding the given 64-bit values. */
function zip64Extra(values: number[]): Buffer {
  const out = Buffer.alloc(4 + 8 * values.length);
  out.writeUInt16LE(0x0001, 0);
  out.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => out.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return out;
}

/**
 * A zip archive for tests, written from the PKWARE APPNOTE layout: local header + data per
 * entry, then the central directory and its end record (zip64 records first with `zip64`).
 * Deflated entries let a few KB unpack to MBs; the per-entry fields make broken or hostile
 * archives (encrypted flag, declared sizes that lie, unsupported methods, symbolic links).
 */
export function buildZip(entries: TestZipEntry[], { deflate = false, zip64 = false, diskNumber = 0 }: TestZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const nameBytes = Buffer.from(entry.name);
    const method = entry.method ?? (deflate ? 8 : 0);
    const packed = method === 8 ? deflateRawSync(entry.data) : entry.data;
    const unpackedSize = entry.declaredBytes ?? entry.data.length;
    const packedSize = entry.packedBytes ?? packed.length;
    const crc = entry.crc32 ?? crc32(entry.data);
    const version = zip64 ? 45 : 20;
    const localExtra = zip64 ? zip64Extra([unpackedSize, packedSize]) : Buffer.alloc(0);
    const centralExtra = zip64 ? zip64Extra([unpackedSize, packedSize, offset]) : Buffer.alloc(0);
    // Local and central headers share one run of fields: local from byte 4, central from byte 6.
    const shared = (header: Buffer, at: number, extra: Buffer) => {
      header.writeUInt16LE(version, at);
      header.writeUInt16LE(entry.flags ?? 0, at + 2);
      header.writeUInt16LE(method, at + 4);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(zip64 ? U32 : packedSize, at + 14);
      header.writeUInt32LE(zip64 ? U32 : unpackedSize, at + 18);
      header.writeUInt16LE(nameBytes.length, at + 22);
      header.writeUInt16LE(extra.length, at + 24);
      return header;
    };
    const local = shared(Buffer.alloc(30), 4, localExtra);
    local.writeUInt32LE(0x04034b50, 0);
    const central = shared(Buffer.alloc(46), 6, centralExtra);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(entry.unixMode === undefined ? version : (3 << 8) | version, 4); // 3 = made on Unix
    central.writeUInt32LE(((entry.unixMode ?? 0) << 16) >>> 0, 38);
    central.writeUInt32LE(zip64 ? U32 : offset, 42);
    locals.push(local, nameBytes, localExtra, packed);
    centrals.push(central, nameBytes, centralExtra);
    offset += 30 + nameBytes.length + localExtra.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const records: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4); // size of the rest of this record
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeUInt32LE(diskNumber, 16);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(dir.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + dir.length), 8);
    locator.writeUInt32LE(1, 16);
    records.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0 : diskNumber, 4);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 8);
  end.writeUInt16LE(zip64 ? 0xffff : entries.length, 10);
  end.writeUInt32LE(zip64 ? U32 : dir.length, 12);
  end.writeUInt32LE(zip64 ? U32 : offset, 16);
  return Buffer.concat([...locals, dir, ...records, end]);
}
