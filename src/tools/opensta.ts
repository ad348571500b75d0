// OpenSTA (`sta`): static timing and power analysis of a liberty-mapped netlist (the
// `taxonn power` flow, src/flows/hardware/power/power.ts).

import { findTool, type FoundTool, type ToolSpec } from './tool.js';

export const OPENSTA: ToolSpec = {
  name: 'sta',
  binary: 'sta',
  // `sta -version` prints "2.0.17" (Debian 12's opensta 0~20191111gitc018cb2) and exits 0.
  versionArgs: ['-version'],
  versionRegex: /^\s*(\d+\.\d+(?:\.\d+)?)/m,
  // 2.0.17: report_power, set_power_activity -input_ports, sta::set_power_pin_activity.
  minVersion: '2.0',
  aptPackage: 'opensta',
};

/** Locate OpenSTA's `sta` (cached). @throws ToolMissingError | ToolVersionError */
export function opensta(): FoundTool {
  return findTool(OPENSTA);
}
