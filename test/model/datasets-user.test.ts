/** A user's own data: CSV files and IDX / NumPy pairs read, checked, split and scaled (src/model/datasets/user.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadUserDataset } from '../../src/model/datasets/index.js';
import { idxImages, idxLabels } from '../support/idx.js';
import { npy } from '../support/npy.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taxonn-user-data-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
};

describe("a user's own data", () => {
  it('CSV: header, features scaled per feature with the training split, a fixed seeded 20 % held out', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},${10 + 2 * i},${i % 2}`);
    const csv = file('ten.csv', `x,y,label\r\n${rows.join('\r\n')}\r\n\r\n`);
    const d = loadUserDataset(csv);
    expect([d.name, d.features, d.classes]).toEqual(['ten.csv', 2, 2]);
    expect([d.train.y.length, d.test.y.length]).toEqual([8, 2]);
    // minmax from the training split: every training value in [0, 1], both ends reached
    const col = (split: typeof d.train, f: number) => Array.from({ length: split.y.length }, (_, r) => split.x[r * 2 + f]!);
    for (const f of [0, 1]) {
      expect(Math.min(...col(d.train, f))).toBeCloseTo(0);
      expect(Math.max(...col(d.train, f))).toBeCloseTo(1);
    }
    // the split is the same every time
    expect(Array.from(loadUserDataset(csv).test.x)).toEqual(Array.from(d.test.x));
    // max scaling: by the largest |value| of the training split
    const m = loadUserDataset(csv, { scale: 'max' });
    expect(Math.max(...m.train.x)).toBeCloseTo(1);
    expect(Math.min(...m.train.x)).toBeGreaterThanOrEqual(0);
    expect(Array.from(loadUserDataset(csv, { scale: 'none' }).train.x).some((v) => v > 1)).toBe(true);
  });

  it('CSV with a test file: all of --dataset trains, the test file tests, scaled alike', () => {
    const train = file('tr.csv', 'a,b,label\n0,0,0\n4,2,1\n2,1,2\n');
    const test = file('te.csv', 'a,b,label\n2,2,1\n');
    const d = loadUserDataset(train, { test });
    expect([d.train.y.length, d.test.y.length, d.classes]).toEqual([3, 1, 3]);
    expect(Array.from(d.test.x)).toEqual([0.5, 1]);
  });

  it('IDX pair (gzipped or not) and NumPy pair', () => {
    const x = file('x-idx3-ubyte.gz', gzipSync(idxImages(4, { rows: 2, cols: 3, fill: (i) => i })));
    const y = file('y-idx1-ubyte', idxLabels([0, 1, 2, 1]));
    const i = loadUserDataset(`${x},${y}`, { scale: 'max', test: `${x},${y}` });
    expect([i.features, i.classes, i.train.y.length]).toEqual([6, 3, 4]);
    expect(i.train.x[23]).toBeCloseTo(1);
    const nx = file(
      'x.npy',
      npy(
        '<f4',
        [5, 3],
        Array.from({ length: 15 }, (_, k) => k / 2),
      ),
    );
    const ny = file('y.npy', npy('<i8', [5], [0, 1, 1, 0, 3]));
    const n = loadUserDataset(`${nx},${ny}`);
    expect([n.features, n.classes, n.train.y.length + n.test.y.length]).toEqual([3, 4, 5]);
  });

  const bad: [string, () => string, RegExp, string?][] = [
    ['an empty file', () => file('empty.csv', ''), /empty\.csv: is empty/],
    ['a header and no rows', () => file('head.csv', 'a,b,label\n'), /head\.csv: has a header but no data rows/],
    ['a ragged row', () => file('ragged.csv', 'a,b,label\n1,2,0\n3,1\n'), /ragged\.csv: line 3: 2 columns, the header has 3/],
    ['a cell that is not a number', () => file('word.csv', 'a,b,label\n1,2,0\n3,x4,1\n'), /word\.csv: line 3, column 2 \(b\): "x4" is not a number/],
    ['a negative label', () => file('neg.csv', 'a,label\n1,0\n2,-1\n'), /neg\.csv: line 3, column 2 \(label\): label "-1" is not a class number/],
    ['a fractional label', () => file('frac.csv', 'a,label\n1,0.5\n'), /frac\.csv: line 2, column 2 \(label\): label "0\.5"/],
    [
      'a test file with other columns',
      () => file('t1.csv', 'a,b,label\n1,2,0\n2,1,1\n'),
      /other\.csv: has 1 features per sample, the training set .*t1\.csv has 2/,
      'other.csv',
    ],
    ['a test file with other column names', () => file('t2.csv', 'a,b,label\n1,2,0\n2,1,1\n'), /names\.csv: line 1, column 2: column "c"/, 'names.csv'],
    [
      'a test label the training set has not',
      () => file('t3.csv', 'a,label\n1,0\n2,1\n'),
      /beyond\.csv: line 2, column 2: label 5 is out of range: the training set .*t3\.csv has classes 0\.\.1/,
      'beyond.csv',
    ],
    ['one sample and no test file', () => file('one.csv', 'a,label\n1,0\n'), /one\.csv: has 1 sample: at least 2/],
    ['a missing file', () => path.join(tmp, 'none.csv'), /none\.csv: cannot read: no such file/],
    [
      'an IDX pair of different lengths',
      () => `${file('a-idx3', idxImages(3, { rows: 1, cols: 2 }))},${file('b-idx1', idxLabels([0, 1]))}`,
      /b-idx1: has 2 labels, a-idx3 has 3 samples/,
    ],
    [
      'an IDX file that is not uint8',
      () => `${file('c-idx3', Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 0]))},${file('d-idx1', idxLabels([0]))}`,
      /c-idx3: holds IDX type 0xd, only uint8/,
    ],
    [
      'a truncated IDX file',
      () => `${file('e-idx3', idxImages(3, { rows: 2, cols: 2, pixels: 5 }))},${file('f-idx1', idxLabels([0, 1, 0]))}`,
      /e-idx3: truncated: the header announces 3 × 2 × 2 = 12 values, the file holds 5/,
    ],
    [
      'a NumPy file of big-endian floats',
      () => `${file('g.npy', npy('>f4', [2, 1], [1, 2]))},${file('h.npy', npy('<i8', [2], [0, 1]))}`,
      /g\.npy: holds dtype >f4/,
    ],
    [
      'a NumPy file in Fortran order',
      () => `${file('i.npy', npy('<f8', [2, 2], [1, 2, 3, 4], { fortran: true }))},${file('j.npy', npy('<i8', [2], [0, 1]))}`,
      /i\.npy: is in Fortran order/,
    ],
    [
      'NumPy labels of another count',
      () => `${file('k.npy', npy('<f8', [3, 1], [1, 2, 3]))},${file('l.npy', npy('<i8', [2], [0, 1]))}`,
      /l\.npy: must hold 3 labels \(shape \(3,\)\), its shape is \(2\)/,
    ],
    ['a file that is not NumPy', () => `${file('m.npy', 'hello')},${file('n.npy', 'world')}`, /m\.npy: is not a NumPy \.npy file/],
  ];
  const tests: Record<string, string> = { 'other.csv': 'a,label\n1,0\n', 'names.csv': 'a,c,label\n1,2,0\n', 'beyond.csv': 'a,label\n1,5\n' };
  for (const [what, spec, says, testFile] of bad) {
    it(`refuses ${what} in one line naming the file`, () => {
      const test = testFile ? file(testFile, tests[testFile] ?? '') : undefined;
      expect(() => loadUserDataset(spec(), test ? { test } : {})).toThrow(says);
    });
  }
});
