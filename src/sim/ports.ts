// Read a module's top-level ports from Verilator's own elaboration
// (`verilator --xml-only`), so a hand-written or generated PortSpec list can be
// checked against the RTL before anything is compiled. A wrong width or sign
// would otherwise silently truncate or misinterpret values.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../tools/tool.js';
import { verilator } from '../tools/verilator.js';
import type { PortSpec } from './types.js';

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** Parse the ports of the top module out of Verilator's XML output. */
export function parseVerilatorXmlPorts(xml: string, top: string): PortSpec[] {
  const mod = /<module\b[^>]*\btopModule="1"[^>]*>([\s\S]*?)<\/module>/.exec(xml);
  if (!mod) throw new Error(`verilator XML: no top module found for ${top}`);
  // Basic types only: generated RTL uses plain (signed) logic vectors on ports.
  const types = new Map<string, { width: number; signed: boolean }>();
  for (const m of xml.matchAll(/<basicdtype\b[^>]*>/g)) {
    const a = attrs(m[0]);
    if (a.id === undefined) continue;
    const width = a.left !== undefined && a.right !== undefined ? Math.abs(Number(a.left) - Number(a.right)) + 1 : 1;
    types.set(a.id, { width, signed: a.signed === 'true' });
  }
  const ports: PortSpec[] = [];
  // Only ports carry pinIndex (function arguments also have dir="input").
  for (const m of mod[1]!.matchAll(/<var\b[^>]*\bpinIndex="\d+"[^>]*>/g)) {
    const a = attrs(m[0]);
    const t = a.dtype_id !== undefined ? types.get(a.dtype_id) : undefined;
    if (!a.name || !t || (a.dir !== 'input' && a.dir !== 'output')) {
      throw new Error(`${top}: unsupported port declaration (need a plain input/output vector): ${m[0]}`);
    }
    ports.push({ name: a.name, dir: a.dir, width: t.width, signed: t.signed });
  }
  return ports;
}

/**
 * Elaborate `files` with Verilator and return the ports of `top`, in declaration order.
 * `extraArgs` are the model build's own (a -Wno-fatal there applies here too).
 */
export async function readPorts(files: string[], top: string, extraArgs: readonly string[] = []): Promise<PortSpec[]> {
  const dir = await mkdtemp(join(tmpdir(), 'taxonn-ports-'));
  try {
    const xmlPath = join(dir, 'ports.xml');
    await run(verilator(), ['--xml-only', '--xml-output', xmlPath, '-Mdir', dir, '--top-module', top, ...extraArgs, ...files], {
      timeoutMs: 120_000,
    });
    return parseVerilatorXmlPorts(await readFile(xmlPath, 'utf8'), top);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Differences between the declared ports and the RTL's, one line each (empty: they agree). */
export function diffPorts(declared: PortSpec[], actual: PortSpec[]): string[] {
  const problems: string[] = [];
  const byName = new Map(actual.map((p) => [p.name, p]));
  for (const d of declared) {
    const a = byName.get(d.name);
    if (!a) {
      problems.push(`port '${d.name}' is not a port of the RTL`);
      continue;
    }
    byName.delete(d.name);
    if (a.dir !== d.dir || a.width !== d.width || a.signed !== d.signed) {
      const fmt = (p: PortSpec) => `${p.dir} ${p.signed ? 'signed ' : ''}[${p.width} bits]`;
      problems.push(`port '${d.name}': declared ${fmt(d)}, RTL has ${fmt(a)}`);
    }
  }
  for (const name of byName.keys()) problems.push(`RTL port '${name}' is missing from SimDesign.ports`);
  return problems;
}
