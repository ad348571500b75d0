/**
 * A long property-based campaign: `npm run fuzz -- --minutes M [--seed S] [--cnn]`. Random valid
 * configurations (dense networks, and in a quarter of the cases networks with convolution and
 * pooling: test/support/cnn-arbitrary.ts), sample streams and stalls, each lint-checked and verified RTL ≡ golden; on a
 * failure, fast-check shrinks it and the minimal case is printed as an `npx taxonn verify` command.
 * Record campaigns in docs/RELIABILITY.md.
 */
import fc from 'fast-check';
import { generateAccelerator } from '../src/flows/rtl/generate.js';
import { stimulusSeed, verify } from '../src/flows/rtl/verify.js';
import { emitForSim } from '../src/sim/from-module.js';
import { verilatorLint } from '../src/tools/index.js';
import { CLI_STALLS, verifyCaseArb, verifyCommand, type VerifyCase } from '../test/support/config-arbitrary.js';
import { cnnVerifyCaseArb, cnnVerifyCommand } from '../test/support/cnn-arbitrary.js';

/** `--cnn`: networks with convolution only; else dense networks, with networks with convolution in a quarter of the cases. */
const cnnOnly = process.argv.includes('--cnn');
const caseArb = cnnOnly ? cnnVerifyCaseArb : fc.oneof({ arbitrary: verifyCaseArb, weight: 3 }, { arbitrary: cnnVerifyCaseArb, weight: 1 });
const command = (c: VerifyCase) => (c.cfg.network ? cnnVerifyCommand(c) : verifyCommand(c));

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`fuzz: --${name} must be a positive number\n`);
    process.exit(2);
  }
  return v;
}

async function main() {
  const minutes = arg('minutes', 10);
  const seed = arg('seed', Date.now() % 0x7fffffff);
  let configs = 0;
  let samples = 0;
  const t0 = Date.now();
  const result = await fc.check(
    fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 0x7fffffff }), async (c: VerifyCase, x: number) => {
      const { design } = emitForSim(generateAccelerator(c.cfg).top);
      if (!(await verilatorLint(design.files, design.top)).ok) return false;
      const r = await verify(c.cfg, {
        samples: c.samples,
        seed: stimulusSeed(c.cfg.seed, c.stimulusSeed),
        stallPermille: c.stalls ? CLI_STALLS : 0,
        xRandomSeed: x,
      });
      configs++;
      samples += c.samples;
      process.stderr.write(`\r${configs} configurations, ${samples} samples, ${((Date.now() - t0) / 60000).toFixed(1)} min`);
      return r.equivalent;
    }),
    { seed, numRuns: 1_000_000, interruptAfterTimeLimit: minutes * 60_000 },
  );
  process.stderr.write('\n');
  const summary = `seed ${seed}: ${configs} configurations, ${samples} samples verified in ${((Date.now() - t0) / 60000).toFixed(1)} min`;
  if (result.failed) {
    const [c] = result.counterexample as [VerifyCase, number];
    process.stdout.write(`FAIL ${summary}\nminimal failing case: ${command(c)}\n`);
    process.exit(1);
  }
  process.stdout.write(`PASS ${summary}\n`);
}

main().catch((e) => {
  process.stderr.write(`fuzz: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(3);
});
