/** One configuration's measurements (scripts/estimate-data.ts), what the estimate is fitted to and checked against. */
export interface Measured {
  readonly key: string;
  /** verify, no stalls, 12 random samples: every input non-zero (dense) and 80 % zero inputs. */
  readonly cyclesPerSample: { readonly dense: number; readonly sparse80: number };
  /**
   * A training configuration with skipZeroErrors: the same, with skipZeroErrors off (the schedule
   * the cycle model describes; error-free update groups are data-dependent).
   */
  readonly cyclesWithoutErrorSkipping?: { readonly dense: number; readonly sparse80: number };
  /** synth --target asic on the default liberty (OSU018). */
  readonly asic: { readonly logicAreaUm2: number; readonly sequentialAreaUm2: number; readonly flipFlops: number; readonly cells: number };
  readonly ice40: { readonly luts: number; readonly carries: number; readonly flipFlops: number; readonly dsps: number; readonly blockRams: number };
  /** The power flow on the data set's first 2 training samples, 100 MHz, OSU018, logic only (null: OpenSTA crashed). */
  readonly power: { readonly dataset: string; readonly totalPowerMw: number; readonly energyPerSampleNj: number; readonly cyclesPerSample: number } | null;
  readonly seconds: number;
}
