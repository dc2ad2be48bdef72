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
  /** How much the multilingual kind rules' score adds to the kind head's logits. */
  kindRuleWeight: number;
}

export const shippedKnobs: DecisionKnobs = {
  downgradePenalty: { conservative: 7.5, balanced: 5, aggressive: 2.5 },
  hardTopicFloor: 0.35,
  ruleCaution: true,
  kindRuleWeight: 0.5,
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
