/** Number formats shared by the commands' summaries. */

/** An integer with thousands separators: 12,345. */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A fraction as a percentage with two decimals: 0.1234 → 12.34%. */
export const pct = (f: number): string => `${(100 * f).toFixed(2)}%`;

/** µm² as mm² with three decimals. */
export const mm2 = (um2: number): string => `${(um2 / 1e6).toFixed(3)} mm²`;
