// Session 22b rule (cvRule.ts "SESSION 22b RULE", set by the lead at 07:52 UTC after the SESSION 22 RULE shipped nothing).
// The SESSION 22 RULE (cvRule27.ts) unchanged in every tier term — the same 51,491 rows by 57 authors, the general-assistant
// list [dataAF, dataAI, dataAJ], limits, objective, grid, stages and their order, the kept setting's terms, safety, rule 4,
// analysis (e), and this round's heads as trained 07:06-07:23 UTC (not retrained) — with one change on the kind side:
// (k) The kind side that safety.ts reads, and that ships, is session 21c's (72021b2's): its all-rows kind head (trained on
// 48,385 rows, without dataAI, dataAJ, heldout27 and heldout28; /tmp/t16r26cache), kind-rule weight 1 with extraKindRules,
// and its kind bias per language; the kind part is not rerun. Why: under the SESSION 22 RULE all 1,464 points failed one
// safety check (`translate this error message to Spanish` must read `edit`; this round's all-rows kind head reads `other`)
// because the lead's brief to the two general-assistant authors put translation under `other` (AJ: 661 of 982 rows
// `other`), while the coding convention that safety.ts and the unit tests hold makes a translated error message an `edit`.
// The fault is in the kind labels of that brief; nothing the tier choice reads changes except that check's kind head.
// Disclosure: the lead had read the SESSION 22 RULE's printed fold figures (07:46 UTC) before writing this rule. The tier
// terms are kept exactly, so the choice follows mechanically from those figures and the safety checks.
// The `kindscale` stage still reads the kind out of fold by this round's kind group heads (as under the SESSION 22 RULE).
// Rule 0b: the tier part must start by 08:15 UTC and the model land by 08:45 UTC, or nothing ships.
// Run: npx tsx bench/routing/cvRule28.ts --part=tier --cache=/tmp/t16r27bcache, where the cache links this round's tier and
// kind group heads and all-rows tier head from /tmp/t16r27cache and holds a copy of /tmp/t16r26cache's all-rows kind head
// under this round's name (base-kind-0.000003-300-ALL-51491.f32).
import { runRule } from './cvRule25';

runRule('SESSION 22b RULE', '/tmp/t16r27bcache', ['dataAF', 'dataAI', 'dataAJ']);
