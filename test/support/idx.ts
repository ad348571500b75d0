/** Synthetic IDX files (the MNIST / Fashion-MNIST format) for tests of the data-set loaders. */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export function idxImages(count: number, opts: { magic?: number; rows?: number; cols?: number; pixels?: number; fill?: (i: number) => number } = {}): Buffer {
  const rows = opts.rows ?? 28;
  const cols = opts.cols ?? 28;
  const n = opts.pixels ?? count * rows * cols;
  const b = Buffer.alloc(16 + n);
  b.writeUInt32BE(opts.magic ?? 0x803, 0);
  b.writeUInt32BE(count, 4);
  b.writeUInt32BE(rows, 8);
  b.writeUInt32BE(cols, 12);
  for (let i = 0; i < n; i++) b[16 + i] = opts.fill ? opts.fill(i) : (i * 37) & 0xff;
  return b;
}

export function idxLabels(labels: number[], opts: { magic?: number; count?: number } = {}): Buffer {
  const b = Buffer.alloc(8 + labels.length);
  b.writeUInt32BE(opts.magic ?? 0x801, 0);
  b.writeUInt32BE(opts.count ?? labels.length, 4);
  labels.forEach((l, i) => (b[8 + i] = l));
  return b;
}

export type FashionFile = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

/**
 * Writes a complete synthetic Fashion-MNIST folder into `dir` (4 training and 3 test images);
 * `change` may replace a file's bytes, or remove it with null.
 */
export function writeFashionFolder(dir: string, change: Partial<Record<FashionFile, Buffer | null>> = {}, gzip = true): string {
  const files = {
    trainImages: ['train-images-idx3-ubyte.gz', idxImages(4)],
    trainLabels: ['train-labels-idx1-ubyte.gz', idxLabels([3, 0, 9, 1])],
    testImages: ['t10k-images-idx3-ubyte.gz', idxImages(3, { fill: (i) => (i === 0 ? 255 : i % 2 ? 128 : 0) })],
    testLabels: ['t10k-labels-idx1-ubyte.gz', idxLabels([7, 7, 2])],
  } as const;
  fs.mkdirSync(dir, { recursive: true });
  for (const [key, [name, bytes]] of Object.entries(files)) {
    const data = key in change ? change[key as FashionFile] : bytes;
    if (data === null || data === undefined) continue; // a missing file
    fs.writeFileSync(path.join(dir, name), gzip ? gzipSync(data) : data);
  }
  return dir;
}
