/**
 * The few numbers that turn the model's probabilities into advice, in one place. Each was chosen by
 * cross-validation on the tuning set only (`bench/routing/cv.ts`: rows of one author held out while
 * the model trains on the others), never on an evaluation set.
 */
import type { Aggressiveness } from './tiers';

export interface DecisionKnobs {
  /** A false downgrade costs the wasted attempt plus this times the needed tier's price (see advisor.ts). */
  downgradePenalty: Record<Aggressiveness, number>;
  /** Least P(needs more than small) for a request that names a hard topic or carries a stack trace. */
  hardTopicFloor: number;
  /** A hard topic the rules name keeps the rules' own probabilities as a floor under the model's. */
  ruleCaution: boolean;
  /**
   * `ruleCaution` applies only to requests of at most this many prose words (signals.ts counts a CJK
   * character as half a word): a very short request gives the model little to read. Infinity: any length.
   */
  cautionMaxWords: number;
  /** How much the multilingual kind rules' score adds to the kind head's logits. */
  kindRuleWeight: number;
  /** Whether the kind rules added to the kind head's logits include session 11's (kindRules.ts `extraRules`). */
  extraKindRules: boolean;
  /**
   * Abstention: the small tier is advised only when P(needs more than small) is at most this (else the
   * cheaper of medium and large by expected cost). 1 leaves the expected-cost decision alone.
   */
  smallMaxRisk: number;
  /**
   * The penalty for a request that turns out to need the large tier is `downgradePenalty` times this
   * (1: the same as for one that needs medium); it moves the medium/large line apart from the small one.
   */
  largeMissScale: number;
}

// Session 14b: the session 14b rule (bench/routing/cvRule.ts, cvRule16.ts; committed 09:53:46 UTC before any fold
// figure on the 27,214 rows by 28 authors, the fourteenth and fifteenth held-out sets now among them). Why: session 14's
// knobs kept every language of those two sets under 5% false downgrades but only 67-72% of the oracle's saving. The
// rule kept session 14's limits (pooled <= 2.5%, each independent author <= 4%, each language <= 3%, each independent
// author x language cell of >= 40 rows with its Wilson lower bound, one-sided 80%, <= 5%; safety.ts passing) and widened
// the grid where the share is lost: large-tier miss weight up to 2, 3, 4, base penalties 2-5, a small-tier cap
// (smallMaxRisk 0.25 / 0.15). Chosen, the most mean share of the oracle's saving over the 27 independent authors: caution
// off, no hard-topic floor, large-tier misses weighed like medium ones (x1), balanced penalty 14, no cap: 74.2% out of
// fold (under the 75% goal; authors 67.1-81.6%), pooled FD 1.3%, ko 2.1% (highest language), dataP 2.4% (highest
// independent author), no cell flagged. Heavier large-tier weights read less (best admissible x2 73.1%, x3 72.5%, x4
// 70.6%); session 14's x1.5 14 reads 72.0%; the cap never bound. Every point above 74.2% flags a cell (dataP zh,
// heldout12 pt). Conservative 32 and aggressive 5: the penalties of that setting whose pooled rate is nearest half and
// twice the balanced one (0.7%, 2.7%). The kind head: the shipped setting, retrained on all rows.
// Kind: kindRuleWeight 0.5 with extraKindRules since session 11 (+1.0 point of kind on nine authors' folds). The
// earlier sessions' rules, grids and figures: docs/benchmarks.md, "Routing on requests the project did not write".
export const shippedKnobs: DecisionKnobs = {
  downgradePenalty: { conservative: 32, balanced: 14, aggressive: 5 },
  hardTopicFloor: 0,
  ruleCaution: false,
  cautionMaxWords: Number.POSITIVE_INFINITY,
  kindRuleWeight: 0.5,
  extraKindRules: true,
  smallMaxRisk: 1,
  largeMissScale: 1,
};

let current: DecisionKnobs = shippedKnobs;

/** The knobs in force (the shipped ones outside training). */
export function decisionKnobs(): DecisionKnobs {
  return current;
}

/** Cross-validation only: try other knobs; `undefined` goes back to the shipped ones. */
export function setDecisionKnobsForTraining(knobs: DecisionKnobs | undefined): void {
  current = knobs ?? shippedKnobs;
}
