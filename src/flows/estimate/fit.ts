/**
 * Least squares for the estimate's calibration (scripts/estimate-calibrate.ts): coefficients c
 * minimising Σ (y_i − c·x_i)² + λ Σ c_j² (a small ridge keeps nearly collinear features finite),
 * by the normal equations and Gaussian elimination with partial pivoting. The systems are a few
 * features wide, so nothing cleverer is needed.
 */

export function leastSquares(xs: readonly (readonly number[])[], ys: readonly number[], ridge = 1e-9): number[] {
  const n = xs[0]?.length ?? 0;
  if (xs.length !== ys.length || xs.length < n) throw new Error(`leastSquares: ${xs.length} rows for ${n} features and ${ys.length} targets`);
  // scale each feature to unit RMS, so the ridge means the same for every one
  const scale = Array.from({ length: n }, (_, j) => Math.sqrt(xs.reduce((t, x) => t + (x[j] ?? 0) ** 2, 0) / xs.length) || 1);
  const a = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  for (let r = 0; r < xs.length; r++) {
    const x = xs[r]!.map((v, j) => v / scale[j]!);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i]![j]! += x[i]! * x[j]!;
      a[i]![n]! += x[i]! * ys[r]!;
    }
  }
  for (let i = 0; i < n; i++) a[i]![i]! += ridge * xs.length;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const piv = a[c]![c]!;
    if (piv === 0) throw new Error(`leastSquares: feature ${c} is all zero`);
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / piv;
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]! / scale[i]!);
}

/**
 * Least squares of the relative errors: minimises Σ ((y_i − c·x_i) / y_i)², since the estimate's
 * goals are relative (±10 % on a 100k µm² design and on a 700k µm² one alike); plain least squares
 * lets the largest designs set the fit and leaves the small ones tens of per cent off.
 */
export function relativeLeastSquares(xs: readonly (readonly number[])[], ys: readonly number[]): number[] {
  const bad = ys.findIndex((y) => !(y > 0));
  if (bad >= 0) throw new Error(`relativeLeastSquares: target ${bad} is ${ys[bad]}, not positive`);
  return leastSquares(
    xs.map((x, i) => x.map((v) => v / ys[i]!)),
    ys.map(() => 1),
  );
}

export const dot = (c: readonly number[], x: readonly number[]): number => c.reduce((t, v, i) => t + v * (x[i] ?? 0), 0);
