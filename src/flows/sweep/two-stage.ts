/**
 * Two-stage sweeps (docs/SWEEP.md, "Two stages"): a grid with `"twoStage": {"front": "area"}`
 * (or "energy") first estimates and trains every point, then runs the grid's steps (verify,
 * synth, power) only on the points of the estimated Pareto front: per data set, estimated area
 * (or energy per sample) against the trained test error. Each point's row then holds its
 * estimates and, on the front, the measurements of its second stage.
 */
import type { SweepGrid, SweepPoint, SweepStep } from './grid.js';
import { planPoints } from './grid.js';
import type { PointRecord } from './point.js';
import { paretoFront } from './plot.js';

export const FIRST_STAGE_STEPS: readonly SweepStep[] = ['estimate', 'train'];

/** The estimated cost of a first-stage record for the front, or NaN (not trained, not estimated, failed). */
function estimatedCost(r: PointRecord, front: 'area' | 'energy'): number {
  const e = r.results.estimate;
  if (r.status !== 'ok' || !e) return Number.NaN;
  return (front === 'area' ? e.logicAreaUm2 : e.energyPerSampleNj) ?? Number.NaN;
}

/**
 * The second stage: for each first-stage point (same order), its twin with the grid's own steps
 * when it is on its data set's estimated front, undefined otherwise.
 */
export function secondStage(grid: SweepGrid, first: readonly SweepPoint[], records: ReadonlyMap<string, PointRecord>): (SweepPoint | undefined)[] {
  const front = grid.twoStage?.front ?? 'area';
  const twins = planPoints(grid);
  const chosen = new Set<string>();
  for (const dataset of grid.datasets) {
    const rs = first.filter((p) => p.params.dataset === dataset).flatMap((p) => records.get(p.key) ?? []);
    const onFront = paretoFront(
      rs,
      (r) => estimatedCost(r, front),
      (r) => r.results.train?.testError ?? Number.NaN,
    );
    for (const r of onFront) chosen.add(r.key);
  }
  return first.map((p, i) => (chosen.has(p.key) ? twins[i] : undefined));
}

/** A first-stage record with its second stage's results (and failure) folded in. */
export function mergeStages(first: PointRecord, second: PointRecord | undefined, secondKey: string): PointRecord & { readonly secondStageKey: string } {
  if (!second) return { ...first, secondStageKey: secondKey };
  const failed = first.status === 'failed' || second.status === 'failed';
  return {
    ...first,
    status: failed ? 'failed' : 'ok',
    error: first.error ?? second.error,
    failedStep: first.failedStep ?? second.failedStep,
    results: { ...first.results, ...second.results },
    seconds: first.seconds + second.seconds,
    secondStageKey: secondKey,
  };
}
