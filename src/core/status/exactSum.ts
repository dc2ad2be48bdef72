/**
 * Sums of floating-point costs that do not depend on the order they are added in: the partials of Shewchuk's
 * algorithm (as Python's math.fsum), which hold the exact sum of every number added, rounded once at the end.
 * Why: a status computed from rollups of closed days plus today's rows must print the same cost as one that adds
 * every row, and a plain `+=` gives a different last digit for each grouping and order (rows restored from an
 * index and rows appended by a delta are not in the same order either).
 */
export type ExactSum = number[];

/** Adds `x` to the partials in place (they stay non-overlapping, in increasing magnitude). */
export function addExact(partials: ExactSum, x: number): void {
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j];
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  partials.push(x);
}

/** Adds every partial of `other` (so the sum of two groups is exact too). */
export function addExactSum(partials: ExactSum, other: readonly number[], sign: 1 | -1 = 1): void {
  for (const x of other) addExact(partials, sign * x);
}

/** The exact sum, rounded once to the nearest double (ties to even), as math.fsum. */
export function exactValue(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n];
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n];
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  // Half-way cases: the partials below decide which way the rounding goes.
  if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}
