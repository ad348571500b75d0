/**
 * The `board` engine of the training flow (`board train`): the samples go over the host link to
 * the board's top (a real board through a serial device, or the board's top in Verilator over a
 * simulated serial line), with the golden model in lock step: every prediction the board sends
 * back is compared with the golden model's, and after the last epoch the weights read back from
 * the board must equal the golden model's.
 */
import type { Config } from '../../config/index.js';
import type { Mismatch } from '../rtl/verify.js';
import type { EngineRun, Quantised } from '../train.js';
import { BoardDriver, type LinkPort } from './driver.js';
import { RESULT_BATCH } from './link-rate.js';

export interface BoardEngineOptions {
  readonly port: LinkPort & { close(): Promise<void> | void };
  /** The run's epochs: the weights are read back and compared after the last. */
  readonly epochs: number;
}

/** The board as a training engine. */
export function boardEngine(cfg: Config, q: Quantised, opts: BoardEngineOptions): EngineRun {
  const driver = new BoardDriver(opts.port, cfg);
  let loaded = false;
  const mismatch = (epoch: number, m: Omit<Mismatch, 'layer' | 'neuron'> & Partial<Mismatch>) => ({ layer: 0, neuron: 0, ...m, epoch });
  return {
    async train(order, from, to, stats, epoch) {
      if (!loaded) await driver.loadWeights(q.weights0);
      loaded = true;
      const ids = Array.from(order.subarray(from, to));
      for (let k = 0; k < ids.length; k += RESULT_BATCH) {
        const batch = ids.slice(k, k + RESULT_BATCH);
        for (const i of batch) await driver.sendSample(q.codes[i]!, q.labels[i]!, true);
        const predicted = await driver.results(batch.length);
        for (let b = 0; b < batch.length; b++) {
          const want = q.goldenTrain(batch[b]!, stats);
          if (predicted[b] !== want) {
            return mismatch(epoch, {
              sample: from + k + b,
              phase: 'prediction',
              expected: want,
              actual: predicted[b]!,
              detail: 'predicted class (from the board)',
            });
          }
        }
      }
      if (epoch === opts.epochs && to === order.length) {
        const want = q.golden.readWeights();
        const got = await driver.readWeights(want.length);
        const w = want.findIndex((v, i) => v !== got[i]);
        if (w >= 0)
          return mismatch(epoch, {
            sample: to - 1,
            phase: 'weights',
            index: w,
            expected: want[w]!,
            actual: got[w]!,
            detail: `weight ${w} read back from the board`,
          });
      }
      return null;
    },
    infer: (i) => q.golden.infer(q.testCodes[i]!),
    close: () => void opts.port.close(),
    weights: () => q.golden.readWeights(),
  };
}
