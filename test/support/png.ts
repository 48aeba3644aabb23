/**
 * Just enough PNG decoding to tell a drawn map from an empty one: the pixels of a non-interlaced
 * PNG (any colour type, any bit depth), from its IDAT chunks inflated with node:zlib and its
 * scanlines unfiltered. No dependency for a few lines of the PNG specification.
 */
import { inflateSync } from 'node:zlib';

export interface PngPixels {
  readonly width: number;
  readonly height: number;
  /** How many different pixel values the image holds (palette indices for a palette image). */
  readonly distinctPixels: number;
}

const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Samples per pixel of each colour type: grey, RGB, palette, grey and alpha, RGBA. */
const channels: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function decodePng(png: Buffer): PngPixels {
  if (!png.subarray(0, 8).equals(signature)) throw new Error('not a PNG: no PNG signature');
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  for (let offset = 8; offset + 8 <= png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  if (header === undefined) throw new Error('not a PNG: no IHDR chunk');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const bitDepth = header.readUInt8(8);
  const samples = channels[header.readUInt8(9)];
  if (samples === undefined) throw new Error(`unknown PNG colour type ${String(header.readUInt8(9))}`);
  if (header.readUInt8(12) !== 0) throw new Error('interlaced PNGs are not decoded here');
  const bitsPerPixel = bitDepth * samples;
  const rows = unfilter(inflateSync(Buffer.concat(data)), height, Math.ceil((width * bitsPerPixel) / 8), Math.max(1, bitsPerPixel / 8));
  const pixels = new Set<string>();
  for (const row of rows) {
    for (let x = 0; x < width; x += 1) pixels.add(pixelKey(row, x, bitsPerPixel));
  }
  return { width, height, distinctPixels: pixels.size };
}

/** The scanlines with their filters undone (PNG specification, section 9). */
function unfilter(raw: Buffer, height: number, stride: number, step: number): Buffer[] {
  const rows: Buffer[] = [];
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < height; y += 1) {
    const start = y * (stride + 1);
    const filter = raw.readUInt8(start);
    const row = Buffer.from(raw.subarray(start + 1, start + 1 + stride));
    for (let i = 0; i < stride; i += 1) {
      const left = i >= step ? (row[i - step] ?? 0) : 0;
      const up = previous[i] ?? 0;
      const upLeft = i >= step ? (previous[i - step] ?? 0) : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new Error(`unknown PNG filter ${String(filter)}`);
      row[i] = ((row[i] ?? 0) + predictor) & 0xff;
    }
    rows.push(row);
    previous = row;
  }
  return rows;
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const [toLeft, toUp, toUpLeft] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
  if (toLeft <= toUp && toLeft <= toUpLeft) return left;
  return toUp <= toUpLeft ? up : upLeft;
}

function pixelKey(row: Buffer, x: number, bitsPerPixel: number): string {
  if (bitsPerPixel >= 8) {
    const bytes = bitsPerPixel / 8;
    return row.subarray(x * bytes, (x + 1) * bytes).toString('hex');
  }
  const bit = x * bitsPerPixel;
  const byte = row[Math.floor(bit / 8)] ?? 0;
  return String((byte >> (8 - (bit % 8) - bitsPerPixel)) & ((1 << bitsPerPixel) - 1));
}
