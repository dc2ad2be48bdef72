// The rule that chooses the model and its knobs from cross-validation on the tuning set (cv.ts, lab.ts).
// Written down in session 6 (2026-12-04, 13:03 UTC) before any six-author grid was run:
//   1. Operating point: the largest pooled share of the oracle's saving such that every independent
//      author's fold stays at or under 3% false downgrades and the pooled rate over all authors (the
//      project's own rows included) at or under 5%.
//   2. Tier model (features, L2): the variant whose operating point under 1 has the largest pooled share;
//      within 0.5 point, the smaller and simpler model.
//   3. Kind head (features, L2, kind-rule weight): the largest pooled kind accuracy over all authors'
//      folds; within 0.5 point, the smaller and simpler model.
import type { SetScore } from './score';

/** Authors who wrote from the label definitions alone: everyone but the project itself ('own'). */
export const isIndependent = (author: string): boolean => author !== 'own';

export interface GridPoint { label: string; all: SetScore; per: ReadonlyMap<string, SetScore> }

/** Rule 1: the operating point, or undefined when no setting satisfies the constraints. */
export function applyRule<T extends GridPoint>(points: readonly T[]): T | undefined {
  let chosen: T | undefined;
  for (const p of points) {
    const ok = p.all.falseDowngradeRate <= 0.05 && [...p.per].every(([a, s]) => !isIndependent(a) || s.falseDowngradeRate <= 0.03);
    if (ok && (!chosen || p.all.shareOfOracle > chosen.all.shareOfOracle)) chosen = p;
  }
  return chosen;
}
