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

// Session 20: the session 20 rule (bench/routing/cvRule.ts, cvRule22.ts; committed 01:22:37 UTC before any fold figure
// on the 43,413 rows by 46 authors: authors AE and AF and the twenty-first held-out set now among them). Every author read
// by a tier head trained this round without it (8 author groups). Tier: the plain model (no second stage), caution off, no
// hard-topic floor, large-tier misses x3, balanced penalty 14, no small-tier cap: 66.2% mean share over the 45 independent
// authors out of fold (under the 75% goal), pooled FD 0.8%, ko 1.1% (highest language). Session 19's setting read 71.6%
// but is no longer admissible: author AF (general-assistant requests: puzzles, maths, law, writing) reads 6.3% false
// downgrades at it, and AF's English cell binds the penalty (12 breaks it). The `scale` and `langscale` stages' best
// points read 66.2% too, not more than 0.5 point above. Conservative 32 and aggressive 6: the penalties of that setting
// whose pooled rate is nearest half and twice the balanced one. Kind (rule d, out of fold by three author-group heads
// retrained this round): session 19's setting kept, kind-rule weight 1 with extraKindRules and a bias per kind and request
// language (modelData.ts `kindBias`, refitted): 81.1% in the lowest language (ko) out of fold, pooled 83.1%.
// The earlier sessions' rules, grids and figures: docs/benchmarks.md, "Routing on requests the project did not write".
export const shippedKnobs: DecisionKnobs = {
  downgradePenalty: { conservative: 32, balanced: 14, aggressive: 6 },
  hardTopicFloor: 0,
  ruleCaution: false,
  cautionMaxWords: Number.POSITIVE_INFINITY,
  kindRuleWeight: 1,
  extraKindRules: true,
  smallMaxRisk: 1,
  largeMissScale: 3,
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
