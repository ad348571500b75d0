/** The controller's states (docs/ARCHITECTURE.md §4), in encoding order, and which of them each variant has. */
import type { Config } from '../../src/config/index.js';

export const STATES = [
  'idle',
  'load',
  'readback',
  'rx_head',
  'rx_data',
  'fwd_init',
  'fwd',
  'fwd_wait',
  'bwd_init',
  'bwd',
  'bwd_wait',
  'upd_init',
  'upd_err',
  'upd',
  'upd_wait',
  'emit',
] as const;
export type State = (typeof STATES)[number];

/** The states of the backward and update phases (absent from the inference variant). */
const TRAINING_STATES: readonly State[] = ['bwd_init', 'bwd', 'bwd_wait', 'upd_init', 'upd_err', 'upd', 'upd_wait'];

/** The states of the controller's own receive (absent with skipZeroInputs: the pair receiver runs beside it). */
const RECEIVE_STATES: readonly State[] = ['rx_head', 'rx_data'];

/** The controller's states for a variant, in encoding order. */
export function statesOf(variant: Config['variant'], skipZeroInputs = false): readonly State[] {
  return STATES.filter((s) => !(variant === 'inference' && TRAINING_STATES.includes(s)) && !(skipZeroInputs && RECEIVE_STATES.includes(s)));
}
