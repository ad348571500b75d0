/** Stable, readable module-name fragments for parameterised blocks. */
import type { FixedFormat } from '../src/hdl/index.js';

/** s8q6 = signed, 8 bits, 6 fraction bits; u8q6 for unsigned. */
export const formatTag = (f: FixedFormat): string => `${f.signed ? 's' : 'u'}${f.bits}q${f.frac}`;
