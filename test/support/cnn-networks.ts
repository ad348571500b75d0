/** Networks with convolution that several tests build (the inference and the training RTL's). */

/** A small network on 28 × 28 images: a strided "same" convolution, a max pool, a "valid" convolution, an avg pool, a hidden dense layer. */
export const IMAGE_LAYERS: readonly unknown[] = [
  { input: [28, 28, 1] },
  { conv: { filters: 4, kernel: 5, stride: 2, padding: 'same' } },
  { pool: { kind: 'max', size: 2 } },
  { conv: { filters: 5, kernel: 3, padding: 'valid' } },
  { pool: { kind: 'avg', size: 2 } },
  { dense: 8 },
  { dense: 10 },
];
