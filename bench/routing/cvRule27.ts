// Session 22 rule (cvRule.ts "SESSION 22 RULE", designed by the lead; committed before any fold figure on this round's
// tuning rows was computed, before dataAI, dataAJ or the twenty-seventh and twenty-eighth sets joined tuning, and before
// anything was imported this round). Session 21c's rule (cvRule26.ts) with only these changes; unchanged: heads, models,
// grid, limits, safety, rule 4, the kept setting's terms, the kind part and analysis (e).
// (a) Data: loadTuningRows() when the heads start: session 21c's 53 authors plus the twenty-seventh and twenty-eighth
// held-out sets as authors heldout27 and heldout28 (each after it was scored once in session 21c with 72021b2), plus the
// new independent tuning authors dataAI and dataAJ (general-assistant requests; only those whose DONE file exists by
// 07:45 UTC).
// (b) The general-assistant list is [dataAF, dataAI, dataAJ] (AI and AJ if imported): the authors written to a
// general-assistant brief. Each is held to under 5% false downgrades over all its rows in place of the 4% author and cell
// limits (it stays in the pooled, per-language and safety checks) and is left out of the objective (mean share over the
// other independent authors). The setting kept is the one main holds when the tier part starts (session 21c's: plain,
// floor 0, large x1.25, balanced 24, no cap) if admissible and within 0.5 point of the best admissible point; else as
// cvRule25.ts. Kind part with main's kind setting as the one kept.
// Rule 0b: every author is read by this round's heads or the rule does not choose: if a tier or kind group head or the
// all-rows tier head of this round is missing when the tier part starts (08:30 UTC at the latest), nothing ships.
// The code is cvRule25.ts's, run under this rule's name, with this round's heads and general-assistant list (`runRule`).
// Run: npx tsx bench/routing/cvRule27.ts [--part=tier|kind|all] --cache=DIR [--drop-authors=A,B]
import { runRule } from './cvRule25';

runRule('SESSION 22 RULE', '/tmp/t16r27cache', ['dataAF', 'dataAI', 'dataAJ']);
