/** The first TaxoNN blocks at the project's default formats: what `taxonn demo` generates. */
import { DEFAULT_FORMATS, updateShift } from '../../src/config/defaults.js';
import type { Module } from '../../src/hdl/index.js';
import { activation, type ActivationParams } from './activation.js';
import { lfsr } from './lfsr.js';
import { pe, peWidths, type PeParams } from './pe.js';
import { requant, type RequantParams } from './requant.js';
import { update, type UpdateParams } from './update.js';

export interface DefaultBlockParams {
  pe: PeParams;
  requant: RequantParams;
  update: UpdateParams & { readonly shift: number };
  activation: ActivationParams;
  /** The LFSR seed (an input of the update unit and the LFSR). */
  lfsrSeed: number;
}

export function defaultBlockParams(f = DEFAULT_FORMATS): DefaultBlockParams {
  const peP: PeParams = { weight: f.weight, act: f.act, error: f.error, accBits: f.accBits };
  const accFrac = f.weight.frac + f.act.frac;
  return {
    pe: peP,
    requant: { accBits: f.accBits, accFrac, out: f.act, rounding: 'nearest' },
    update: {
      weight: f.weight,
      gradBits: peWidths(peP).product,
      shift: updateShift(f, f.lrShift),
      rounding: f.rounding,
    },
    activation: { zBits: f.accBits, zFrac: accFrac, act: f.act, hidden: 'relu', rounding: 'nearest' },
    lfsrSeed: f.seed,
  };
}

/** The blocks by short name (the name of their bindings file in test/support/bindings/). */
export function defaultBlocks(p = defaultBlockParams()): Record<'pe' | 'requant' | 'update' | 'activation' | 'lfsr', Module> {
  return {
    pe: pe(p.pe),
    requant: requant(p.requant),
    update: update(p.update),
    activation: activation(p.activation),
    lfsr: lfsr(),
  };
}
