/**
 * `npx taxonn board train` and `verify --board`: the host driver against the board's top in
 * Verilator over a simulated serial line (no board is attached to these machines), and the
 * one-line errors of a port that is not there and of flags that do not go together.
 */
import { describe, expect, it } from 'vitest';
import { runTaxonn } from '../support/cli.js';

const taxonn = (...args: string[]) => runTaxonn(args);

describe('npx taxonn board', () => {
  it('board train --port sim: Iris on the board top with line faults, equal to the golden engine', () => {
    const board = taxonn('board', 'train', '--port', 'sim', '--dataset', 'iris', '--epochs', '2', '--faults', '0.2', '--json');
    expect(board.stderr).toBe('');
    expect(board.code).toBe(0);
    const r = JSON.parse(board.stdout) as { engine: string; equivalent: boolean; testError: number; perEpoch: { trainError: number }[] };
    expect(r.engine).toBe('board');
    expect(r.equivalent).toBe(true);
    const golden = JSON.parse(taxonn('train', '--dataset', 'iris', '--epochs', '2', '--json').stdout) as typeof r;
    expect(r.testError).toBe(golden.testError);
    expect(r.perEpoch.map((e) => e.trainError)).toEqual(golden.perEpoch.map((e) => e.trainError));
  }, 300_000);

  it('verify --board: equivalent with faults, as JSON', () => {
    const v = taxonn('verify', '--board', 'icebreaker', '--layers', '12,5,3', '--pes', '2', '--samples', '10', '--faults', '0.3', '--json');
    expect(v.code).toBe(0);
    const r = JSON.parse(v.stdout) as { equivalent: boolean; link: { retransmissions: number } };
    expect(r.equivalent).toBe(true);
    expect(r.link.retransmissions).toBeGreaterThan(0);
  }, 300_000);

  it('bad input: one line, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['board', 'train', '--port', '/dev/ttyTAXONN0', '--dataset', 'iris'], /cannot open serial port \/dev\/ttyTAXONN0/],
      [['board', 'train', '--port', '/dev/ttyTAXONN0', '--dataset', 'iris', '--faults', '0.1'], /--faults is for the simulated line of --port sim/],
      [['board', 'train', '--port', 'sim', '--dataset', 'iris', '--engine', 'rtl'], /the engine is the board/],
      [['board'], /give an action: train/],
      [['verify', '--board', 'icebreaker', '--faults', '2'], /--faults must be a fraction in 0..1, got 2/],
      [['verify', '--faults', '0.1'], /--faults is for the serial line of --board/],
      [['fpga', '--bitstream', 'x.bin', '--layers', '4,3,2', '--pes', '2'], /--bitstream needs --board/],
    ];
    for (const [args, msg] of cases) {
      const r = taxonn(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(msg);
    }
  }, 120_000);
});
