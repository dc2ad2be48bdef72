// Session 21c rule (cvRule.ts "SESSION 21c RULE"; committed before any fold figure on this round's tuning rows was
// computed and before the twenty-fifth and twenty-sixth sets joined tuning). Session 21b's rule (cvRule25.ts) with only
// these changes; unchanged: the general-assistant limit ([dataAF] < 5.0% over all its rows in place of the 4% author and
// cell limits), the objective (mean share over the other independent authors), heads, models, grid, limits, safety and
// rule 4.
// (a) Data: loadTuningRows() when the heads start: session 21b's 51 authors plus the twenty-fifth and twenty-sixth held-out
// sets as authors heldout25 and heldout26 (each after it was scored once with session 21b's model, 0a945c4).
// (b) The setting kept is the one main holds when this round's tier part starts (decisionKnobs.ts `shippedKnobs` and
// modelData.ts's second stage, if any: session 21b's, plain, floor 0, large x1.5, balanced 20, no cap), if admissible and
// within 0.5 point of the best admissible point; else as cvRule25.ts.
// (c) Kind part and analysis (e) as cvRule25.ts.
// Rule 0b: every author is read by this round's heads or the rule does not choose: if a tier or kind group head or the
// all-rows tier head of this round is missing when the tier part starts (06:10 UTC at the latest), nothing ships.
// The code is cvRule25.ts's, run under this rule's name with this round's heads (`runRule`).
// Run: npx tsx bench/routing/cvRule26.ts [--part=tier|kind|all] --cache=DIR [--drop-authors=A,B]
import { runRule } from './cvRule25';

runRule('SESSION 21c RULE', '/tmp/t16r26cache');
