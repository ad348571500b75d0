/**
 * Step 2 of the power flow (power.ts): the liberty-mapped netlist, from the ASIC synthesis of
 * ../synth.ts, flattened but for the PEs and update units (memories black boxes), parsed (../../formats/netlist.ts). Flat because
 * Debian's OpenSTA 2.0.17 crashes in report_power on gates that constants from a neighbouring
 * module leave behind, which a flat synthesis optimises away (docs/HARDWARE.md, Power, Limits).
 * Once per design and libraries in a process: a sweep over clocks or data sets reuses it.
 */
import { statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SimDesign } from '../../../sim/types.js';
import { parseNetlist, type NetlistModule } from '../../formats/netlist.js';
import type { MemoryInfo } from '../../rtl/generate.js';
import { synthesizeDesign, type AsicSynthReport } from '../synth.js';

export interface MappedNetlist {
  readonly report: AsicSynthReport;
  /** The netlist file (in the flow's folder, also when it came from the cache). */
  readonly file: string;
  readonly modules: ReadonlyMap<string, NetlistModule>;
  /** The netlist came from an earlier run in this process. */
  readonly cached: boolean;
}

/** Synthesis results by design and libraries (the netlist text and the report). */
const synthCache = new Map<string, Promise<{ report: AsicSynthReport; netlist: string }>>();

/** The mapped netlist of `design` on the standard cells of `stdFile` (macros of `sramFiles` for the memories), in `dir`/netlist.v. */
export async function mappedNetlist(
  design: Pick<SimDesign, 'top' | 'files'>,
  memories: readonly MemoryInfo[],
  libs: { readonly stdFile: string; readonly sramFiles: readonly string[] },
  dir: string,
  timeoutMs: number,
): Promise<MappedNetlist> {
  const { stdFile, sramFiles } = libs;
  const file = path.join(dir, 'netlist.v');
  const key = JSON.stringify([design.files, [stdFile, ...sramFiles].map((f) => [f, statSync(f).mtimeMs])]);
  let job = synthCache.get(key);
  const cached = job !== undefined;
  if (!job) {
    job = (async () => {
      const synthDir = path.join(dir, 'synth');
      const report = (await synthesizeDesign(
        { top: design.top, files: design.files, memories },
        {
          target: 'asic',
          liberty: stdFile,
          ...(sramFiles.length ? { sramLiberty: sramFiles } : {}),
          workDir: synthDir,
          netlist: file,
          flatten: true,
          wholeMemories: true,
          timeoutMs,
        },
      )) as AsicSynthReport;
      return { report, netlist: await readFile(file, 'utf8') };
    })();
    synthCache.set(key, job);
    job.catch(() => synthCache.delete(key));
  }
  const { report, netlist } = await job;
  if (cached) await writeFile(file, netlist);
  const modules = new Map(parseNetlist(netlist).map((m) => [m.name, m] as const));
  return { report, file, modules, cached };
}
