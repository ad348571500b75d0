/** Networks with convolution that several tests build (the inference and the training RTL's), and the SRAM macros they build memories from. */

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

/** Two IHP SG13G2 1P macros (cell, words, bits, area): enough for the small networks' single-port memories. */
export const TWO_IHP_MACROS = [
  { cell: 'RM_IHPSG13_1P_1024x8_c2_bm_bist', words: 1024, bits: 8, areaUm2: 400_000 },
  { cell: 'RM_IHPSG13_1P_256x48_c2_bm_bist', words: 256, bits: 48, areaUm2: 107_000 },
];
