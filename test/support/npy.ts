/** Synthetic NumPy .npy files (format 1.0, little-endian, C order) for tests of the user data loader. */

const TYPES = { '<f4': 4, '<f8': 8, '|u1': 1, '<i8': 8, '<i4': 4, '>f4': 4 } as const;

export function npy(descr: keyof typeof TYPES, shape: readonly number[], values: readonly number[], opts: { fortran?: boolean } = {}): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': (${dims}), }`;
  // pad so that the data starts at a multiple of 64 (as numpy does), ending with a newline
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = `${header}${' '.repeat(pad % 64)}\n`;
  const bytes = TYPES[descr];
  const data = Buffer.alloc(values.length * bytes);
  values.forEach((v, i) => {
    const at = i * bytes;
    if (descr === '<f4') data.writeFloatLE(v, at);
    else if (descr === '>f4') data.writeFloatBE(v, at);
    else if (descr === '<f8') data.writeDoubleLE(v, at);
    else if (descr === '|u1') data.writeUInt8(v, at);
    else if (descr === '<i8') data.writeBigInt64LE(BigInt(v), at);
    else data.writeInt32LE(v, at);
  });
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}
