/**
 * The page's icon, drawn at build time (no binary file in the repository): the header's
 * amber "play" mark on its dark blue, as a 32 x 32 PNG inside an ICO file, so `/favicon.ico`
 * (which browsers and bookmark tools ask for whatever the page links) answers 200.
 */
import { crc32, deflateSync } from 'node:zlib';

/** Side of the icon, px. */
const SIZE = 32;

/** RGBA of pixel (x, y): a rounded dark square with a right-pointing triangle, edges anti-aliased by 4x4 supersampling. */
function pixel(x: number, y: number): [number, number, number, number] {
  let inSquare = 0;
  let inMark = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const px = x + (sx + 0.5) / 4;
      const py = y + (sy + 0.5) / 4;
      // Rounded square: corner radius 6.
      const cx = Math.min(Math.max(px, 6), SIZE - 6);
      const cy = Math.min(Math.max(py, 6), SIZE - 6);
      if ((px - cx) ** 2 + (py - cy) ** 2 <= 36) inSquare++;
      // Triangle with corners (11, 8), (11, 24), (25, 16).
      if (px >= 11 && Math.abs(py - 16) <= (25 - px) * (8 / 14)) inMark++;
    }
  }
  const a = inSquare / 16;
  const m = inMark / 16;
  // #0f172a under #fbbf24.
  const mix = (bg: number, fg: number) => Math.round(bg + (fg - bg) * m);
  return [mix(0x0f, 0xfb), mix(0x17, 0xbf), mix(0x2a, 0x24), Math.round(255 * a)];
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The icon as a PNG: 8-bit RGBA, each scanline with filter 0. */
export function iconPng(): Buffer {
  const raw = Buffer.alloc(SIZE * (1 + 4 * SIZE));
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) raw.set(pixel(x, y), y * (1 + 4 * SIZE) + 1 + 4 * x);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, default compression/filter/interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** The icon as an ICO holding the PNG (one image; ICO allows PNG entries since Windows Vista, and every browser reads them). */
export function iconIco(): Buffer {
  const png = iconPng();
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(SIZE, 6); // width
  header.writeUInt8(SIZE, 7); // height
  header.writeUInt8(0, 8); // no palette
  header.writeUInt8(0, 9); // reserved
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(png.length, 14); // image size
  header.writeUInt32LE(header.length, 18); // image offset
  return Buffer.concat([header, png]);
}
