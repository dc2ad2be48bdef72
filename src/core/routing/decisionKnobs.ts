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

// Session 13b: the session 13b rule (bench/routing/cvRule.ts, cvRule13b.ts; committed 07:38 UTC before any fold
// figure on the 22,660 rows). Why: the twelfth held-out set read ko 11.7%, es 9.1%, pt 8.9%, fr 8.3% false downgrades
// with session 13's knobs, which limited each author's fold but no language. Same recipe, grid and limits as session 13
// plus each of the nine languages' pooled out-of-fold FD <= 3%. Session 13's knobs (floor 0.35, large x1.5, 6) read
// ko 3.3% and are no longer admissible; ko binds every grid point with a larger mean share. The best admissible
// setting: caution off, no hard-topic floor, large-tier misses weighed 1.5x, balanced penalty 8: mean share over the
// twenty-one independent authors 75.4% (session 13's knobs 76.7%), pooled FD 1.8%, ko 2.9% (highest language),
// dataP 3.7% (highest author). Conservative 20 and aggressive 3: the penalties of that setting whose pooled rate is
// nearest half and twice the balanced one (0.9%, 3.5%). Kind: the shipped setting, retrained on all rows.
// Session 13: the session 13 rule (bench/routing/cvRule.ts, cvRule13.ts; committed 06:31 UTC before any fold figure
// with the tenth and eleventh sets, now tuning authors heldout10 and heldout11). Tier recipe unchanged (len15), all
// 22,674 rows; every author (A-R, own, heldout1, heldout10, heldout11) scored by its fold head trained on all other
// authors; admissible: pooled false downgrades <= 2.5%, each independent author <= 4%, safety.ts passing on the
// all-rows model. Session 12's knobs (floor 0, large x1.25, 10) failed safety.ts with the retrained heads (an
// eval.jsonl request advised lower after "There is a race condition between two threads." was added). The best
// admissible setting: caution off, hard-topic floor 0.35, large-tier misses weighed 1.5x, balanced penalty 6: mean
// share over the twenty-one independent authors 76.7%, pooled FD 2.2% (dataN 4.0% binds; heldout10 2.2% / 73.4%,
// heldout11 2.3% / 77.1%). Conservative 14 and aggressive 2: the penalties of that setting whose pooled rate is nearest
// half and twice the balanced one (1.1%, 4.5%). Kind: the shipped setting, retrained on all rows.
// Session 12: the session 12 rule (bench/routing/cvRule.ts, landed 05:25 UTC before authors P, Q and R were read).
// Tier: every author scored out of sample (A-O by fold heads trained on the other authors of A-O; the new authors P, Q
// and R by the head trained on all of A-O); admissible: pooled false downgrades <= 2.5%, each independent author <= 4%
// (sessions 7-11: 5% and 3%), safety.ts passing. len15 (shipped features) beat depth15 (length, layout and identifier
// counts as extra tokens: most of its settings failed the safety check on "帮我找出这个死锁"); its best setting is caution
// off, no hard-topic floor, large-tier misses weighed 1.25x, balanced penalty 10: mean share over the independent
// authors 74.7%, pooled FD 1.8% (dataP 3.8% binds; P, Q, R together 68.2% of the saving at 2.9%). Conservative 24 and
// aggressive 3: the penalties of that setting whose pooled rate is nearest half and twice the balanced one (1.0%, 4.0%).
// Kind (rule b): unchanged; on N and O's folds and the unseen P, Q, R the shipped setting read 78.0%, no other head
// (CJK trigrams, word ends, length-tagged words, the kind rules as tokens) more than 0.5 point above it (best 78.3%).
// Session 11: the session 11 rule (bench/routing/cvRule.ts, landed 02:51 UTC before authors N and O were read).
// Kind: on nine authors (the folds of C, D, F, J, K, L, M and the new authors N and O read by heads trained on A-M),
// the shipped kind head with the rules' weight halved and session 11's extra rules (kindRules.ts) added to its logits
// read 80.5% (N and O 77.8%) against 79.5% (76.4%) as shipped in session 10; CJK trigrams gave no more (80.5%, tie:
// the simpler head). Tier: recipe unchanged (len15), retrained on all 18,109 rows (seventeen authors); the knobs chosen
// again on the seventeen authors' folds: caution off, no hard-topic floor, large-tier misses weighed 1.5x, balanced
// penalty 12 (mean share over the independent authors 73.7%, pooled FD 1.3%; dataO binds: lower penalties put it over
// 3%). Conservative 32 and aggressive 5: the penalties of that setting whose pooled rate is nearest half and twice the
// balanced one (0.6% and 2.4%). Session 10 had kind-rule weight 1 without the extra rules, large x1, 32/14/4.
export const shippedKnobs: DecisionKnobs = {
  downgradePenalty: { conservative: 20, balanced: 8, aggressive: 3 },
  hardTopicFloor: 0,
  ruleCaution: false,
  cautionMaxWords: Number.POSITIVE_INFINITY,
  kindRuleWeight: 0.5,
  extraKindRules: true,
  smallMaxRisk: 1,
  largeMissScale: 1.5,
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
