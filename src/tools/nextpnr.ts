// nextpnr-ice40: place and route for Lattice iCE40 FPGAs (the `taxonn fpga` flow).

import { ToolMissingError, findTool, whichSync, type FoundTool, type ToolSpec } from './tool.js';

export const NEXTPNR_ICE40: ToolSpec = {
  name: 'nextpnr-ice40',
  binary: 'nextpnr-ice40',
  versionArgs: ['--version'],
  // "nextpnr-ice40 -- Next Generation Place and Route (Version 0.4-1+b1)"; git builds print "nextpnr-0.6-…".
  versionRegex: /Version\s+(?:nextpnr-)?(\d+\.\d+)/,
  // 0.4 (Debian 12): --report with fmax and utilisation.
  minVersion: '0.4',
  aptPackage: 'nextpnr-ice40',
};

/** Locate nextpnr-ice40 (cached). @throws ToolMissingError | ToolVersionError */
export function nextpnrIce40(): FoundTool {
  return findTool(NEXTPNR_ICE40);
}

/** icepack (Debian fpga-icestorm): an iCE40 bitstream from nextpnr's ASCII configuration. It prints no version (icestorm has no releases), so it is only looked up. @throws ToolMissingError */
export function icepack(): FoundTool {
  const path = whichSync('icepack');
  if (!path) throw new ToolMissingError('icepack', 'icepack not found on PATH: install it with `sudo apt-get install fpga-icestorm` (or run `make setup`)');
  return { name: 'icepack', path, version: 'icestorm (no release number)' };
}
