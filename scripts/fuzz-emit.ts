/**
 * A long campaign of the emitter fuzz (test/support/emit-fuzz.ts): `npm run fuzz:emit -- --minutes M
 * [--seed S]`. Each round is a design of narrow (1..20 bits) and one of mixed (1..70 bits) random
 * expressions, constants of either sign included, lint-checked and simulated against the IR's
 * semantics. Stops at the first failure with the seed that reproduces it. Record campaigns in
 * docs/RELIABILITY.md.
 */
import { fuzz } from '../test/support/emit-fuzz.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v <= 0) {
    process.stderr.write(`fuzz-emit: --${name} must be a positive integer\n`);
    process.exit(2);
  }
  return v;
}

const minutes = arg('minutes', 10);
const first = arg('seed', 100);
const t0 = Date.now();
let rounds = 0;
for (let s = first; Date.now() - t0 < minutes * 60_000; s++) {
  try {
    await fuzz(s, [1, 20], 40, 200);
    await fuzz(100_000 + s, [1, 70], 30, 100);
  } catch (e) {
    process.stderr.write(`\nfuzz-emit: seed ${s} failed: ${(e as Error).message}\n`);
    process.exit(1);
  }
  rounds++;
  process.stderr.write(`\r${rounds} rounds (seeds ${first}..${s}), ${((Date.now() - t0) / 60000).toFixed(1)} min`);
}
process.stdout.write(
  `\nfuzz-emit: ${rounds} rounds (${rounds * 70} random expressions, seeds ${first}..${first + rounds - 1}) without a difference in ${minutes} min\n`,
);
