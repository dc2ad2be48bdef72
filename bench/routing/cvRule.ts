// The rules that choose the model and its knobs from cross-validation on the tuning set (cv.ts, lab.ts).
//
// SESSION 22b RULE (2026-12-06, set by the lead at 07:52 UTC after the SESSION 22 RULE chose nothing). Executed by
// cvRule28.ts. The SESSION 22 RULE below unchanged in every tier term (data, general-assistant list, limits, objective,
// grid, stages, kept setting, safety, rule 4, analysis (e), this round's heads as trained), with the kind side that
// safety.ts reads and that ships fixed to session 21c's (72021b2's all-rows kind head, kind-rule weight 1 with extra rules,
// its kind bias per language); the kind part is not rerun. Why: every point of the SESSION 22 RULE failed safety.ts's
// `translate this error message to Spanish` -> `edit` (this round's kind head reads `other`), because the lead's brief to
// the general-assistant authors AI and AJ put translation under `other`, against the coding convention the safety checks
// and unit tests hold. The lead had read the SESSION 22 RULE's fold figures before writing this rule; since its tier terms
// are unchanged, the choice follows mechanically from them and the safety checks. Nothing is chosen from any held-out set.
//
// SESSION 22 RULE (2026-12-06, designed by the lead, written 06:50-06:55 UTC by t16r27 (committed 06:54:54), before any fold figure on this
// round's tuning rows was computed, before anything was imported this round and before the twenty-seventh and
// twenty-eighth sets joined tuning). Executed by cvRule27.ts (cvRule25.ts `runRule` with the general-assistant list as its
// third parameter; its kind part is cvRule19.ts `kindPart`). Why: the chosen setting has been bound by one author, dataAF,
// the only author of general-assistant requests; a model that has seen one such author reads the next one badly. Two new
// independent general-assistant tuning authors, written this session from the label definitions and a reading of the tier
// rule for general requests: AI (reasoning: maths, puzzles, science, law, tax, health) and AJ (language work: writing,
// translation, extraction from attached texts, role-play, planning, chat follow-ups), each held to the same line as AF.
// Nothing is chosen from any held-out set 2-9, 29, 30 or RouteLLM.
//   0. Data: loadTuningRows() when the heads start: session 21c's 53 authors plus the twenty-seventh and twenty-eighth
//      sets as authors heldout27 and heldout28 (each moved only after session 21c's model, 72021b2, scored it once;
//      frozen, sha256 checked in tuneSet.ts; rows heldOut.ts did not score and rows repeating an evaluation set's prompt
//      left out, --recheck-frozen, id only), plus dataAI and dataAJ (importIncoming.ts --session=22 --authors=AI,AJ;
//      only an author whose DONE file exists by 07:45 UTC; provenance sha256 checked against its DONE file); rows
//      repeating a prompt of the twenty-ninth or thirtieth set left out (importIncoming.ts --recheck, file and line or id
//      only) if those sets are on main by 07:55 UTC, before any head of this round is trained.
//   0b. Time: the model must land by 08:45 UTC; nothing the rule has not chosen ships. Heads as session 21c's (two
//      training processes, nice 10, each job claimed once: the all-rows kind head, kind group heads G0-G2 of 3, the
//      all-rows tier head, tier group heads G0-G7 of 8; every author present when they start). The tier part starts when
//      all of them are in the cache, at 08:30 UTC at the latest; if a tier or kind group head or the all-rows tier head is
//      missing then, the rule does not choose and nothing of the model ships (main keeps session 21c's model, 72021b2;
//      said so). No earlier round's head reads any author this round.
//   a. General-assistant authors: [dataAF, dataAI, dataAJ] (AI and AJ if imported). Each is held to under 5% false
//      downgrades over all its rows in place of the 4% author and cell limits; each stays in the pooled, per-language and
//      safety checks; each is left out of the objective (mean share of the oracle's saving over the other independent
//      authors). The other authors' limits, heads, models, grid, two-level cross-validation, safety and rule 4 exactly as
//      session 21c's.
//   b. Choice: the setting main holds when this round's tier part starts (session 21c's: plain, floor 0, large x1.25,
//      balanced 24, no cap) if admissible and within 0.5 point of the best admissible point; else the plain model's best
//      admissible point, replaced by `scale`'s, then `langscale`'s, then `kindscale`'s, each if more than 0.5 point above
//      the choice so far; else (nothing admissible) as session 21c's.
//   c. Kind part and analysis (d: the choice rule 23's limits and objective would have made on the same figures, every
//      general-assistant author under the 4% author and cell limits and in the objective) as session 21c's.
//
// SESSION 21c RULE (2026-12-06, set by the lead, written 05:38-05:40 UTC by t16r26, before any fold figure on this
// round's tuning rows was computed and before the twenty-fifth and twenty-sixth sets joined tuning). Executed by
// cvRule26.ts (its kind part is cvRule19.ts `kindPart`). Why: a third round this session on the same procedure, with the
// two sets session 21b's model has now scored once. Nothing is chosen from any held-out set 2-9, 27, 28 or RouteLLM.
//   0. Data: loadTuningRows() when the heads start: session 21b's 51 authors plus the twenty-fifth and twenty-sixth sets
//      as authors heldout25 and heldout26 (each moved only after session 21b's model, 0a945c4, scored it once; frozen,
//      sha256 checked in tuneSet.ts; rows repeating an evaluation set's prompt left out by importIncoming.ts
//      --recheck-frozen, id only), before any head of this round is trained. No other new data.
//   0b. Time: the model must land by 06:21 UTC; nothing the rule has not chosen ships. Heads as session 21b's (two
//      training processes, nice 10, each job claimed once). The tier part starts when all of them are in the cache, at
//      06:10 UTC at the latest; if a tier or kind group head or the all-rows tier head is missing then, the rule does not
//      choose and nothing of the model ships (main keeps session 21b's model; said so).
//   a. General-assistant authors, limits, objective, heads, models, grid, safety and rule 4 exactly as session 21b's.
//   b. Choice: the setting main holds when this round's tier part starts (session 21b's: plain, floor 0, large x1.5,
//      balanced 20, no cap) if admissible and within 0.5 point of the best admissible point; else as session 21b's rule b.
//   c. Kind part and analysis (d) as session 21b's.
//
// SESSION 21b RULE (2026-12-06, designed by the lead, written 04:38-04:40 UTC by t16r25 (committed 04:39:53), before any fold figure on this
// round's tuning rows was computed, before AG, AH or the twenty-fourth set joined tuning, and with the twenty-fifth
// held-out set (bench/eval-independent/routing25/) unread). Executed by cvRule25.ts (its kind part is cvRule19.ts
// `kindPart`). Why: the next round right after session 21's, with two new independent tuning authors written this
// session from the label definitions alone: AG (ordinary coding requests weighted to ru/ja/zh/pt/es and to the lower
// tiers seen from the side a cautious reader overrates) and AH (in-session messages: terse follow-ups, pasted errors,
// corrections). Nothing is chosen from any held-out set 2-9, 24, 25 or RouteLLM.
//   0. Data: loadTuningRows() when the heads start: session 21's 48 authors, plus the twenty-fourth set as author
//      heldout24 (moved only after session 21 scored it once; frozen, sha256 checked in tuneSet.ts), plus dataAG and
//      dataAH (importIncoming.ts --session=21b --authors=AG,AH: validated, repeats of tuning and evaluation rows dropped);
//      rows repeating a prompt of an evaluation set or of the twenty-fifth set left out (importIncoming.ts --recheck /
//      --recheck-frozen, file and line or id only), before any head of this round is trained.
//   0b. Time: the model must land by 06:15 UTC; nothing the rule has not chosen ships. Heads as session 21's (two
//      training processes, nice 10, each job claimed once: the all-rows kind head, kind group heads G0-G2 of 3, the
//      all-rows tier head, tier group heads G0-G7 of 8; every author present when they start). The tier part starts when
//      all of them are in the cache, at 06:00 UTC at the latest; if a tier or kind group head or the all-rows tier head is
//      missing then, the rule does not choose and nothing of the model ships (main keeps session 21's model; said so). No
//      earlier round's head reads any author this round.
//   a. General-assistant authors: still [dataAF] (AG and AH write coding requests); its limit, the other authors' limits,
//      the objective (mean share of the oracle's saving over the independent authors other than dataAF), heads, models,
//      grid, two-level cross-validation, safety and rule 4 exactly as session 21's.
//   b. Choice: the setting main holds when this round's tier part starts (decisionKnobs.ts shippedKnobs and modelData.ts's
//      second stage: session 21's, chosen by the SESSION 21 RULE and landed by t16r24; session 20b's if that had not
//      landed; the docs name it) if admissible and within 0.5 point of the best admissible point; else the plain model's
//      best admissible point, replaced by `scale`'s, then `langscale`'s, then `kindscale`'s, each if more than 0.5 point
//      above the choice so far; else (nothing admissible) the plain point with the fewest flagged cells within the other
//      limits that passes safety. A kept setting outside the grid is not kept.
//   c. Kind: unchanged, cvRule19.ts kindPart with this round's three kind group heads; the kind setting main holds when
//      the kind part starts (session 21's) kept unless the best admissible variant is more than 0.5 point above it.
//   d. Analysis only, chooses nothing: session 21's rule (e), the choice rule 23's limits and objective would have made on
//      the same figures (dataAF under the 4% author and cell limits, the objective over all independent authors).
//
// SESSION 21 RULE (2026-12-06, designed by the lead, written 04:11-04:13 UTC by t16r24, before any fold figure on this
// round's tuning rows was computed, and with the twenty-fourth held-out set (bench/eval-independent/routing24/) unread).
// Executed by cvRule24.ts (its kind part is cvRule19.ts `kindPart`). Why: in sessions 20 and 20b the one penalty was bound
// by author AF (general-assistant requests: puzzles, maths, legal questions, writing), its English cell and its 4% author
// limit; session 20b's model read 74.5% of the oracle's saving on the twenty-third set, just under the 75% goal. No new
// tuning author this round (AG and AH, being written now, are for the next round). Nothing is chosen from any held-out
// set 2-9, 23, 24 or RouteLLM.
//   0. Data: loadTuningRows() when the heads start: session 20b's 47 authors plus the twenty-third set as author heldout23
//      (scored once in session 20b, frozen, sha256 checked in tuneSet.ts); rows repeating a prompt of an evaluation set or
//      of the twenty-fourth set left out (importIncoming.ts --recheck / --recheck-frozen, file and line or id only).
//   0b. Time: the model must land by 05:45 UTC; nothing the rule has not chosen ships. Heads as session 20b's (two
//      training processes, nice 10, each job claimed once: the all-rows kind head, kind group heads G0-G2 of 3, the
//      all-rows tier head, tier group heads G0-G7 of 8; every author present when they start). The tier part starts when
//      all of them are in the cache, at 05:25 UTC at the latest; if a tier or kind group head or the all-rows tier head is
//      missing then, the rule does not choose and nothing of the model ships (session 20b's model stays; said so). No
//      earlier round's head reads any author this round.
//   a. General-assistant authors: the rule fixes the list as [dataAF], the only author whose README says its focus is
//      requests to a general AI assistant rather than coding requests (dataAD's puts ~455 non-code requests beside ~586
//      coding ones). Their rows train every head as before. In the tier part such an author's limit is its false-downgrade
//      rate over all its rows (each row read by its fold head) < 5.0% (the goal on an independent set), in place
//      of the per-author 4% limit and the per-(author x language) cell limit, which no longer apply to it; it still counts
//      in the pooled (<= 2.5%) and per-language (<= 3%) limits and in safety.ts's checks. Every other independent author:
//      <= 4% and its cells of >= 40 rows with Wilson lower bound (one-sided 80%) <= 5%, as session 20b's.
//   b. Objective: the mean share of the oracle's saving over the independent authors other than the general-assistant
//      ones (their share printed beside it, not maximised).
//   c. Tier heads, models (plain, `scale`, `langscale`, `kindscale`), grid, two-level cross-validation and rule 4 as
//      session 20b's. Choice: session 20b's setting (plain, floor 0, large x2, balanced 24, no cap) if admissible under (a)
//      and within 0.5 point of the best admissible point by (b); else the plain model's best admissible point, replaced by
//      `scale`'s, then `langscale`'s, then `kindscale`'s, each if more than 0.5 point above the choice so far; else
//      (nothing admissible) the plain point with the fewest flagged cells within the other limits that passes safety.
//   d. Kind: unchanged, cvRule19.ts kindPart with this round's three kind group heads; session 20b's kind setting (weight
//      1, extra rules, `langbias`, refitted) kept unless the best admissible variant is more than 0.5 point above it.
//   e. Analysis only, chooses nothing: the choice rule 23's limits and objective would have made on the same figures
//      (dataAF under the 4% author and cell limits, the objective over all independent authors; kept setting and order as
//      in c), printed so the docs can say what (a) and (b) changed.
//
// SESSION 20b RULE (2026-12-06, written 02:21-02:35 UTC by t16r23, before any fold figure on this round's tuning rows was
// computed, and with the twenty-third held-out set (bench/eval-independent/routing23/) unread). Executed by cvRule23.ts
// (its kind part is cvRule19.ts `kindPart`). Why: session 20's model (plain, large x3, penalties 32/14/6) scored 72.1% of
// the oracle's saving on the twenty-second set (ja 55.5, zh 66.1, ru 66.9), upward advice 76 of 238 small; out of fold
// its one penalty is bound by author AF's general-assistant requests (puzzles, maths, legal, writing: innocent-looking
// and hard), and without AF's rows (analysis only, 82c6597) the rule would have picked plain x1.5 12 at 72.9% against
// 66.7%. No new author this round. Nothing is chosen from any held-out set 2-9, 22, 23 or RouteLLM.
//   0. Data: loadTuningRows() when the heads start: session 20's 46 authors plus the twenty-second set as author
//      heldout22 (scored once in session 20, frozen, sha256 checked in tuneSet.ts); rows repeating a prompt of an
//      evaluation set or of the twenty-third set left out (importIncoming.ts --recheck / --recheck-frozen, file and line
//      or id only).
//   0b. Time: the model must land by 03:25 UTC; nothing the rule has not chosen ships. Two training processes (nice 10)
//      train, each job claimed once, in this order: the all-rows kind head, kind group heads G0-G2 of 3, the all-rows tier
//      head, tier group heads G0-G7 of 8 (trainKindGroups.ts; every author present when they start). The tier part
//      starts when all of them are in the cache, at 03:15 UTC at the latest; if a tier or kind group head or the all-rows
//      tier head is missing then, the rule does not choose and nothing of the model ships (session 20's model stays;
//      said so). No earlier round's head reads any author this round. The kind part starts when the tier part has written
//      tierchoice-<rows>.json.
//   a. Tier heads as session 20's: the authors (sorted by name) dealt in turn into 8 groups, group g read by the shipped
//      tier recipe (len15, L2 3e-7, 300 steps) trained this round on the other seven groups' rows.
//   b-c. Models: plain len15, `scale`, `langscale` and (new) `kindscale` (stackStage.ts, landed with this rule: each
//      tier logit rescaled and shifted by the kind group read as `prior` reads the kind, from the kind heads' logits
//      plus the kind rules before any kind bias: general = question, docs, other; coding = every other kind. Four
//      weights per tier head: bias, slope, the general group's shift and its extra slope; L2 1e-3 towards no change).
//      Out of fold its kind input is read by this round's three kind group heads (d), each author by the head that held
//      it out; the stage itself by two-level cross-validation over the 8 tier groups like the others. The hope: general
//      requests keep a conservative boundary while coding requests get a bolder one under the same penalty. A
//      per-kind-group penalty is not named (one stage fits the existing grid; two penalties would square it). Grid,
//      limits and objective exactly as session 20's (floor 0/0.35, caps 1/0.25/0.15, balanced penalties 2-48,
//      large-tier weights x0.5-x4; pooled FD <= 2.5%, each independent author <= 4%, each language <= 3%, each
//      independent author x language cell of >= 40 rows with its Wilson lower bound at one-sided 80% <= 5%, safety.ts
//      on the all-rows model with the candidate's own rule-4 penalties; objective the mean share of the oracle's saving
//      over the independent authors). Choice: session 20's setting (plain, floor 0, large x3, balanced 14, no cap) if
//      admissible and within 0.5 point of the best admissible point of the four models; else the plain model's best
//      admissible point, replaced by `scale`'s, then `langscale`'s, then `kindscale`'s, each if more than 0.5 point
//      above the choice so far; else (nothing admissible) the plain point with the fewest flagged cells within session
//      13b's limits that passes safety. Rule 4 as before. Upward advice printed overall, per language and per label kind
//      group (general, coding), not optimised.
//   d. Kind: session 20's rule d (cvRule19.ts kindPart) with its three kind group heads retrained this round (dealt as in
//      (a) into three groups); variants, objective and admissibility unchanged; session 20's kind setting (weight 1,
//      extra rules, `langbias`, refitted) kept unless the best admissible variant is more than 0.5 point above it.
//
// SESSION 20 RULE (2026-12-06, written 01:17-01:25 UTC by t16r22, before any fold figure on this round's tuning rows was
// computed, before authors AE and AF were read (neither folder opened), and with the twenty-second held-out set
// (bench/eval-independent/routing22/) unread). Executed by cvRule22.ts (its kind part is cvRule19.ts `kindPart`). Why:
// session 19's model met the three goals overall on the twenty-first set (FD 0.3%, share 77.3%, kind 92.7%) but the share
// was under 75% in ru (65.2), ja (66.1) and zh (72.4), and on the second and ninth sets (67.0, 72.9); upward advice 43 of
// 238 small and 75 of 212 medium; out of fold ~34% of the independent authors' medium requests were advised large
// (ru 35.8%, ja 35.9%, en 27.9%). Nothing is chosen from any held-out set 2-9, 21, 22 or RouteLLM.
//   0. Data: loadTuningRows() when the all-rows heads start: session 19's 43 authors, the twenty-first set as author
//      heldout21 (scored once in session 19, frozen, sha256 checked in tuneSet.ts), authors AE and AF each if it wrote
//      DONE by 02:10 UTC (an author not done then is left for the next round); rows repeating a prompt of an evaluation
//      set or of the twenty-second set left out (importIncoming.ts --recheck / --recheck-frozen, file and line or id only).
//   0b. Time: the model must land by 03:05 UTC; nothing the rule has not chosen ships. Right after heldout21 joins tuning
//      and the twenty-second set's repeats leave it (before AE and AF are read), two training processes (nice 10) train
//      the group heads on the rows then present, each job claimed once, in this order: kind G0 of 3, tier G0-G7 of 8,
//      kind G1, kind G2. When AE and AF are imported (or at 02:10 if neither is done), the all-rows kind head and the
//      all-rows tier head (both ship) take the next two free slots, in that order, before any further group head; group
//      heads still unclaimed then follow (trainKindGroups.ts --without= the imported authors, so they deal the same
//      authors). The tier part starts when this round's 8 tier group heads and all-rows tier head are in the cache, at
//      02:35 UTC at the latest (a third process: it scores, it trains no head). A tier group whose head is not in the cache
//      then has its authors read by an earlier head that never saw them: t16r21's tier group head that held the author out
//      (38,669 rows); dataAC and dataAD by the t16r21 group head of the group session 19 dealt them into (G0, G1; trained
//      --without them); heldout21, dataAE and dataAF by t16r21's all-rows tier head (40,721 rows; it never saw them).
//      The kind part starts when the tier part has written tierchoice-<rows>.json, at 02:55 UTC at the latest; if this
//      round's three kind group heads are not all in the cache then, t16r21's three (38,669 rows, /tmp/t16r21cache) read
//      every author, the authors none of them saw dealt in turn into the groups. cvRule22.ts and kindPart print which head
//      read each author. If this round's all-rows tier or kind head is not trained by 02:52 UTC, or the tier part has not
//      chosen by 02:55 UTC, nothing ships this round (session 19's model stays; said so).
//   a. Tier heads, grouped cross-validation: the authors present when this round's group heads start (sorted by name)
//      dealt in turn into 8 groups (trainKindGroups.ts dealAuthors, --heads=tier --groups=8); group g read by the shipped
//      tier recipe (len15, L2 3e-7, 300 steps) trained this round on the other seven groups' rows. Authors imported after
//      the heads started (AE, AF) are dealt in turn, sorted by name, into groups G0, G1, ... after them and read by that
//      group's head; so every author is read by a fresh head of this round that never saw it.
//   b-c. Models: plain len15, the `scale` stage, and (new, named for the share lost to upward advice per language: ru, ja,
//      zh) the `langscale` stage (stackStage.ts, landed with this rule: each tier logit rescaled and shifted by the
//      request's language as requestLanguage.ts reads it from the text, nine shifts per tier head, L2 1e-3 towards no
//      shift; a language the heads read as harder than its writers meant is moved back), each stage by two-level
//      cross-validation over the same 8 groups (group g's out-of-fold logits through a stage fitted on the other groups'
//      rows). Grid, limits and objective as session 19's: floor 0/0.35, caps 1/0.25/0.15, balanced penalties 2-48,
//      large-tier weights x0.5, x0.75, x1, x1.25, x1.5, x2, x3, x4 (the large-miss weighting is decided here); pooled FD
//      <= 2.5%, each independent author <= 4%, each language <= 3%, each independent author x language cell of >= 40 rows
//      with its Wilson lower bound at one-sided 80% <= 5%, safety.ts on the all-rows model; objective the mean share of
//      the oracle's saving over the independent authors. Choice: session 19's setting (`scale` refitted, caution off,
//      floor 0, large x4, balanced 3, cap 0.15) if admissible and within 0.5 point of the best admissible point of the
//      three models; else the plain model's best admissible point, replaced by `scale`'s if that is more than 0.5 point
//      above it, then by `langscale`'s if that is more than 0.5 point above the choice so far; else (nothing admissible)
//      the plain point with the fewest flagged cells within session 13b's limits that passes safety. Rule 4 as before.
//      Upward advice (small advised larger, medium advised large) printed overall and per language (ru, ja, zh for the
//      kept setting and each model's best), not optimised.
//   d. Kind: session 19's rule d (cvRule19.ts kindPart) with its three kind group heads RETRAINED this round, dealt as
//      in (a) into three groups (shipped kind recipe: base, L2 3e-6, 300 steps; authors imported after they started dealt
//      in turn). Variants, objective and admissibility unchanged (kind-rule weight 0-1.5 x extra rules x `none`/`bias`/
//      `langbias`; the largest minimum over the nine languages of the pooled out-of-fold kind accuracy on the independent
//      authors' rows; admissible if pooled is not more than 0.5 point below the kept setting's and safety.ts passes
//      reading the tier exactly as this round ships it, tierchoice-<rows>.json), session 19's setting (weight 1, extra
//      rules, `langbias`, its biases refitted on this round's out-of-fold readings) kept unless the best admissible
//      variant is more than 0.5 point above it. No variant aimed at the question->bugfix and architecture<->question
//      confusions is added: `langbias` already fits a bias per kind and language; a pairwise variant (class weights, a
//      boundary head) needs its own group heads, about 45 minutes of both cores that this round does not have.
//   [Corrected at 01:49 UTC, after the tier part's first run (01:40:02-01:48:11) had printed its fold figures and before
//   the kind part or any model: cvRule22.ts, as committed, ran safety.ts on each candidate with its own balanced penalty
//   but session 19's conservative and aggressive ones (6 and 2), so every point with a balanced penalty above 6 failed
//   safety.ts's ordering check (conservative >= balanced >= aggressive) for a model that would never ship: no plain point
//   was admissible and the run chose `scale` x3 6 (66.0%). The rule text says safety.ts on the model as it ships, and
//   rule 4 sets the conservative and aggressive penalties that ship with a point: the check now reads each candidate
//   with its own rule-4 penalties. Nothing else changed; the first run's output is kept (docs/benchmarks.md, session 20).]
//
// SESSION 19 RULE (2026-12-05, written 22:55-23:00 UTC by t16r21, before any fold figure on this round's tuning rows was
// computed, before authors AC and AD were read (neither had written DONE; their folders were not opened), and with the
// twenty-first held-out set (bench/eval-independent/routing21/) unread). Executed by cvRule21.ts (its kind part is
// cvRule19.ts `kindPart`). Why: session 18's model met the three goals overall on the twentieth set (FD 0.5%, share
// 76.6%, kind 91.7%) but the share was under 75% in pt (70.0), zh (73.8) and es (74.3), and on the second and ninth sets
// (64.7, 72.3); RouteLLM MT-Bench FD 5.6% (4 of 72); upward advice 68 of 238 small, 58 of 212 medium. Session 18's kind
// part read every author with session 17's kind group heads (not retrained). Nothing is chosen from any held-out set
// 2-9, 20, 21 or RouteLLM.
//   0. Data: loadTuningRows() when the all-rows heads start: session 18's 40 authors, the twentieth set as author
//      heldout20 (scored once in session 18, frozen, sha256 checked in tuneSet.ts), authors AC and AD each if it wrote
//      DONE by 23:55 UTC (an author not done then is left for the next round); rows repeating a prompt of an evaluation
//      set or of the twenty-first set left out (importIncoming.ts --recheck / --recheck-frozen, file and line or id only).
//   0b. Time: the model must land by 00:45 UTC; the rule (tier and kind parts, two processes) starts at 00:20 UTC at the
//      latest, and nothing it has not chosen ships. Right after heldout20 joins tuning and the twenty-first set's repeats
//      leave it (before AC and AD are read), two processes train the group heads on the rows then present, each job
//      claimed once, in this order: kind G0 of 3, tier G0-G7 of 8, kind G1, kind G2. When AC and AD are imported (or
//      at 23:55 if neither is done), the all-rows tier head and the all-rows kind head (both ship) take the next two free
//      slots, before any further group head; group heads still unclaimed then follow (trainKindGroups.ts --without=
//      the imported authors, so they deal the same authors). A tier group whose head is not in the cache when the rule
//      starts has its authors read by an earlier head that never saw them: t16r20's tier group head that held the author
//      out (38,082 rows), or for heldout20, dataAC and dataAD (held out by none) t16r20's all-rows tier head (38,082
//      rows; like every t16r20 head it was trained before this round's twenty-first-set recheck: such heads choose, they
//      do not ship). If this round's three kind group heads are not all in the cache, session 17's three (33,333 rows,
//      /tmp/t16r19cache) read every author, the authors none of them saw dealt in turn into the groups. cvRule21.ts and
//      kindPart print which head read each author. If the all-rows tier or kind head of this round is not trained by
//      00:35 UTC, nothing ships this round (session 18's model stays; said so).
//   a. Tier heads, grouped cross-validation: the authors present when this round's group heads start (sorted by name)
//      dealt in turn into 8 groups (trainKindGroups.ts dealAuthors, --heads=tier --groups=8); group g read by the shipped
//      tier recipe (len15, L2 3e-7, 300 steps) trained this round on the other seven groups' rows. Authors imported after
//      the heads started (AC, AD: no group head saw their rows) are dealt in turn, sorted by name, into groups G0, G1, ...
//      after them and read by that group's head; so every author is read by a fresh head of this round that never saw it.
//   b-c. Models, grid, limits and objective as session 18's: plain len15 and the `scale` stage (two-level cross-validation
//      by the same 8 groups); floor 0/0.35, caps 1/0.25/0.15, balanced penalties 2-48, large-tier weights x0.5, x0.75,
//      x1, x1.25, x1.5, x2, x3, x4 (the large-miss weighting is decided here); pooled FD <= 2.5%, each independent author
//      <= 4%, each language <= 3%, each independent author x language cell of >= 40 rows with its Wilson lower bound at
//      one-sided 80% <= 5%, safety.ts on the all-rows model; objective the mean share of the oracle's saving over the
//      independent authors. Choice: session 18's setting (plain, caution off, floor 0, large x3, balanced 8, no cap) if
//      admissible and within 0.5 point of the best admissible point of both models; else the plain model's best
//      admissible point, replaced by the stage's if that is more than 0.5 point above it; else (nothing admissible) the
//      plain point with the fewest flagged cells within session 13b's limits that passes safety. Rule 4 as before. Upward
//      advice (small advised larger, medium advised large) printed overall and per language, not optimised. No variant
//      aimed at the per-language upward advice (pt, zh, es) is added: a per-language tier offset needs new shipping code
//      in src/core (reading, model data, unit tests) that cannot be built, tested and retrained for in this round's time
//      alongside the retrained kind group heads; the large-miss weighting in the grid is the lever this round.
//   d. Kind: session 17's rule d (cvRule19.ts kindPart) with its kind group heads RETRAINED this round: the authors
//      present when they start (sorted by name) dealt in turn into three groups, each group read by the shipped kind
//      recipe (base, L2 3e-6, 300 steps) trained on the other two groups' rows (trainKindGroups.ts); authors imported
//      after they started dealt in turn into the groups (kindPart's newcomers). Variants, objective and admissibility
//      unchanged (kind-rule weight 0-1.5 x extra rules x `none`/`bias`/`langbias`; the largest minimum over the nine
//      languages of the pooled out-of-fold kind accuracy on the independent authors' rows; admissible if pooled is not
//      more than 0.5 point below the kept setting's and safety.ts passes reading the tier exactly as this round ships it,
//      tierchoice-<rows>.json), with session 18's setting (weight 1, extra rules, `langbias`, its biases refitted on this
//      round's out-of-fold readings) kept unless the best admissible variant is more than 0.5 point above it. No variant
//      aimed at the rename/edit or Spanish kind confusions is added: the `langbias` reading already fits a per-language,
//      per-kind bias (Spanish among them); anything else needs new shipping code, not buildable and testable this round.
//
// SESSION 18 RULE (2026-12-05, written 20:14-20:20 UTC by t16r20, before any fold figure on this round's tuning rows was
// computed, before authors AA and AB were read, and with the twentieth held-out set (bench/eval-independent/routing20/)
// unread). Executed by cvRule20.ts (its kind part is cvRule19.ts `kindPart`). Why: session 17's model met the FD goal on
// the nineteenth set (0.5%) but not the share goal (63.7%, every language under 75%, ko 50.0) nor the kind goal (84.8%;
// ru 76.7, pt 78.2, es 80.0); it errs upward (111 of 240 small and 88 of 209 medium requests advised a larger tier). Its
// rule read 29 of 37 authors with older fold heads (rule 0b), among them the cell that excluded large x1 (dataP ko).
// Nothing is chosen from any held-out set 2-9, 20 or RouteLLM.
//   0. Data: loadTuningRows() when the all-rows heads start: session 17's 37 authors, the nineteenth set as author
//      heldout19 (scored once in session 17, frozen, sha256 checked in tuneSet.ts), authors AA and AB each if it wrote
//      DONE by 21:00 UTC (an author not done then is left for the next round); rows repeating a prompt of an evaluation
//      set or of the twentieth set left out (importIncoming.ts --recheck / --recheck-frozen, file and line or id only).
//   0b. Time: the model must land by 21:55 UTC; the rule (tier and kind parts, two processes) starts at 21:27 UTC at the
//      latest, and nothing it has not chosen ships. The two cores go first to the all-rows tier head and the all-rows
//      kind head (both ship; two processes), then to the 8 tier group heads below, G0 to G7 in order, each claimed by one
//      of two processes. A group whose head is not in the cache when the rule starts has its authors read by an earlier
//      head that never saw them: t16r19's fold head (35,472 rows) for heldout17, heldout18, dataA, dataB, dataW-dataZ;
//      t16r17's fold head (29,976 rows) for the other authors of session 15; t16r19's all-rows head (35,472 rows) for
//      heldout19, dataAA and dataAB. cvRule20.ts prints which head read each group. Kind group heads (rule d): session
//      17's three (33,333 rows, /tmp/t16r19cache) read every author; the authors none of them saw (dataY, dataZ,
//      heldout19, dataAA, dataAB) are dealt in turn into the groups (no time to retrain them this round).
//   a. Tier heads, grouped cross-validation: the authors present (sorted by name) dealt in turn into 8 groups
//      (trainKindGroups.ts dealAuthors); group g read by the tier head (len15, L2 3e-7, 300 steps, the shipped recipe)
//      trained this round on the other seven groups' rows (trainKindGroups.ts --heads=tier --groups=8), so every author
//      is read by a fresh head that never saw it (one head per author, about 80 minutes of both cores, does not fit).
//   b-c. Models: plain len15 and the `scale` stage over the tier heads' out-of-fold logits, its two-level
//      cross-validation by the same 8 groups (the stage for group g fitted on the other groups' out-of-fold rows). The
//      `stack` stage is left out for time (never chosen in sessions 15-17; its fit and grid took 15 of session 17's 20
//      minutes). Grid: session 17's (floor 0/0.35, caps 1/0.25/0.15, balanced penalties 2-48) with large-tier weights
//      x0.5, x0.75, x1, x1.25, x1.5, x2, x3, x4: the large-miss weighting is decided here (x0.5 and x0.75 are named for
//      the share lost to medium -> large advice; decide16's formula takes them, no shipping code changes). Limits
//      (pooled FD <= 2.5%, each independent author <= 4%, each language <= 3%, each independent author x language cell
//      of >= 40 rows with its Wilson lower bound at one-sided 80% <= 5%, safety.ts on the all-rows model) and objective
//      (mean share of the oracle's saving over the independent authors) unchanged. Choice: session 17's setting (`scale`,
//      caution off, floor 0, large x1.25, balanced 8, no cap; its stage refitted on this round's out-of-fold logits) if
//      admissible and within 0.5 point of the best admissible point of both models; else the plain model's best
//      admissible point, replaced by the stage's if that is more than 0.5 point above it; else (nothing admissible) the
//      plain point with the fewest flagged cells within session 13b's limits that passes safety. Rule 4 as before. The
//      counts of upward advice (small advised larger, medium advised large) are printed, not optimised. No other variant
//      for the upward advice or the rename/edit/refactor and ru/pt/es kind confusions is added: each would need new
//      shipping code that cannot be built and tested in this round's hour.
//   d. Kind: session 17's rule d unchanged (kind-rule weight 0-1.5 x extra rules x `none`/`bias`/`langbias`; objective
//      the largest minimum over the nine languages of the pooled out-of-fold kind accuracy on the independent authors'
//      rows; admissible if pooled is not more than 0.5 point below the kept setting's and safety.ts passes reading the
//      tier exactly as this round ships it, tierchoice-<rows>.json), with session 17's setting (weight 1, extra rules on,
//      `langbias`, its biases refitted on this round's out-of-fold readings) as the one kept unless the best admissible
//      variant is more than 0.5 point above it.
//
// SESSION 17 RULE (2026-12-05, written 17:16-17:22 UTC by t16r19, before any fold figure on this round's tuning rows was
// computed, before authors Y and Z were read, and with the nineteenth held-out set (bench/eval-independent/routing19/)
// unread). Executed by cvRule19.ts. Why: session 16's model met the FD goal on the eighteenth set (1.0%, every language
// <= 3.3%) and the share goal overall (80.4%; ja 68.4, zh 74.9 under 75), kind 89.2% (ru 83.3 under 85). Its rule's kind
// part could not choose: its safety check read the tier with session 15's stage and knobs on session 16's all-rows tier
// head, a combination that never shipped, and one tier check failed for every kind variant. Nothing is chosen from any
// held-out set 2-9, 19 or RouteLLM.
//   0. Data: loadTuningRows() when the all-rows heads start: session 16's 34 authors (eval.jsonl tuning line 19 out), the
//      eighteenth set as author heldout18 (scored once in session 16, frozen, sha256 checked in tuneSet.ts), authors Y
//      and Z each if it wrote DONE by 17:55 UTC (an author not done then is left for the next round); rows repeating a
//      prompt of an evaluation set or of the nineteenth set left out (importIncoming.ts --recheck / --recheck-frozen,
//      file and line or id only).
//   0b. Time: the model must land by 18:55 UTC; the rule (both parts, two processes) starts at 18:12 UTC at the latest,
//      and nothing it has not chosen ships. The cores go first to the all-rows tier head, then the all-rows kind head
//      (both ship), then tier fold heads on this round's rows in this order: heldout18, dataY, dataZ, heldout17, dataW,
//      dataX (read otherwise by an older all-rows head), then the other authors by name. Fold training stops when the
//      rule starts. An author whose fresh fold head is not then in the cache is scored by an earlier head that never
//      saw it: t16r17's fold head on 29,976 rows; for heldout17, dataW and dataX t16r17's all-rows head (29,976 rows);
//      for heldout18, dataY and dataZ t16r18's all-rows head (32,742 rows; it trained on one heldout18 prompt, eval.jsonl
//      tuning line 19, said so). cvRule19.ts prints which head scored each author. Kind group heads (trainKindGroups.ts,
//      session 16's recipe): retrained on the rows present once heldout18 is in tuning and before Y and Z are imported
//      (as session 16 trained them before W and X), two at a time from when the rule has landed until Y and Z are
//      imported; Y and Z are then dealt in turn into the groups, each read by a head that never saw it. If the three are
//      not all trained when the rule starts, session 16's three (30,560 rows, /tmp/t16r18cache) read every author
//      (the authors none of them saw — dataW, dataX, dataY, dataZ, heldout18 — dealt in turn into the groups).
//   a-c. Tier: session 16's models (plain len15 3e-7; `scale` and `stack` stages over the tier heads' out-of-fold logits,
//      two-level CV by author), grid, limits (pooled FD <= 2.5%, each independent author <= 4%, each language <= 3%, each
//      independent author x language cell of >= 40 rows with its Wilson lower bound at one-sided 80% <= 5%, safety.ts on
//      the all-rows model) and objective (mean share of the oracle's saving over the independent authors) unchanged.
//      Choice: the shipped setting (session 16: `scale`, caution off, floor 0, large x1, balanced 8, no cap; its stage
//      refitted on this round's out-of-fold logits) if admissible and within 0.5 point of the best admissible point of
//      all three models; else as in session 16. Rule 4 as before. No variant for the small->medium share is added this
//      round (each would need shipping code in src/core that cannot be tested in the time left).
//   d. Kind: session 16's rule d unchanged (kind-rule weight 0, 0.25, 0.5, 0.75, 1, 1.5 x extra rules on/off x `none`,
//      `bias`, `langbias`; biases by cross-entropy on other groups' out-of-fold readings; objective the largest minimum
//      over the nine languages of the pooled out-of-fold kind accuracy on the independent authors' rows, ties by the
//      pooled accuracy; admissible if the pooled accuracy is not more than 0.5 point below the shipped setting's (weight
//      0.5, extra rules on, `none`) and safety.ts passes; the shipped setting stays unless the best admissible variant is
//      more than 0.5 point above it), with one fix: safety.ts reads the tier exactly as this round ships it — this
//      round's all-rows tier head, the stage and knobs the tier part chose (cvRule19.ts writes them to
//      tierchoice-<rows>.json; the kind part waits for it). Shipping: `bias` is added to the kind head's `bias` weight
//      (the dense feature that is always 1), exactly; `langbias` as a per-language table in modelData.ts, the language
//      read by score.ts detectLanguage moved unchanged into src/core. If the chosen kind variant's code and model cannot
//      land by 18:55 with the unit suite passing, the shipped kind setting ships with the chosen tier (said so).
//
// SESSION 16 RULE (2026-12-05, written 14:08-14:20 UTC by t16r18, before any fold figure on this round's tuning rows was
// computed and before the eighteenth held-out set (bench/eval-independent/routing18/, unread) was read or scored).
// Executed by cvRule18.ts. Why: session 15's model met the FD and share goals on the seventeenth set (0.7%, 79.5%) and
// the kind goal overall (86.0%) but not per language (pt 80.0, ko 82.0, ru 82.5, es/fr 84.0; non-English 84.5%); most
// frequent kind errors review->question, question->architecture, docs->bugfix. Until now no rule chose the kind side
// on this round's rows (session 11's setting was retrained only). Nothing is chosen from any held-out set 2-9, 17, 18
// or RouteLLM.
//   0. Data: loadTuningRows() when the all-rows heads are trained: session 15's 31 authors, the seventeenth set as author
//      heldout17 (scored once in session 15, frozen, sha256 checked in tuneSet.ts), authors W and X each if it wrote
//      DONE by 14:50 UTC; rows repeating a prompt of an evaluation set or of the eighteenth set left out
//      (importIncoming.ts --recheck / --recheck-frozen, file and line or id only).
//   0b. Time: the model must land by 15:35 UTC; the rule runs at 15:05 UTC at the latest. The machine's two cores go
//      first to the kind group heads (rule d) and the all-rows heads; a tier fold head on this round's rows is trained
//      only as time allows. An author whose tier fold head on this round's rows is not in the cache when the rule runs
//      is scored by the previous round's head that never saw it (t16r17's fold head on 29,976 rows, or for heldout17,
//      dataW and dataX, which were not tuning data then, its all-rows head). cvRule18.ts prints which head scored each
//      author. The kind group heads are trained on the rows present when they start (if W or X arrives later, its rows
//      are read by a group head that never saw them, dealt in turn into the groups).
//   a-c. Tier: session 15's models (plain len15 3e-7; second stages `scale` and `stack` over the tier heads' out-of-fold
//      logits, two-level CV by author), grid, limits (pooled FD <= 2.5%, each independent author <= 4%, each language
//      <= 3%, each independent author x language cell of >= 40 rows with its Wilson lower bound at one-sided 80% <= 5%,
//      safety.ts on the all-rows model) and objective (mean share of the oracle's saving over independent authors)
//      unchanged. Choice: the shipped setting (session 15: `scale`, caution off, floor 0, large x1, balanced 8, no cap)
//      if admissible and within 0.5 point of the best admissible point of all three models; else as in session 15 (the
//      plain model's best admissible point, replaced by a stage's if that is more than 0.5 point above it; rule c if
//      nothing is admissible). Rule 4 as before.
//   d. Kind (new). Out-of-fold kind readings by author group: the authors sorted by name, dealt in turn into three
//      groups; each group read by the shipped kind recipe (base, L2 3e-6, 300 steps) trained on the other two groups'
//      rows (trainKindGroups.ts). Variants named here: kind-rule weight 0, 0.25, 0.5, 0.75, 1 or 1.5 x session 11's
//      extra kind rules on or off x one of three readings: `none` (as now), `bias` (one bias per kind added to the
//      combined kind logits) or `langbias` (one bias per kind and request language, the language read from the text by
//      score.ts detectLanguage, moved unchanged to src/core if it ships); a bias is fitted by cross-entropy (L2 1e-3) on
//      the out-of-fold readings of the other groups' authors (two-level CV by author group); the shipped one on every
//      author's out-of-fold readings, added to the all-rows kind head. Objective: the largest minimum over the nine
//      languages (row labels) of the pooled out-of-fold kind accuracy on the independent authors' rows (ties broken by
//      the pooled accuracy). Admissible: pooled independent accuracy not more than 0.5 point below the shipped setting's
//      (weight 0.5, extra rules on, `none`), and safety.ts passing with the all-rows heads (tier as shipped). Choice:
//      the best admissible variant if its objective is more than 0.5 point above the shipped setting's, else the
//      shipped setting. Class weights and retrained kind heads were considered and left out: each would need its own
//      group heads, which this round's time does not allow.
//
// SESSION 15 RULE (2026-12-05, written 11:31-11:34 UTC by t16r17, before any fold figure on this round's tuning rows was
// computed and before the seventeenth held-out set (bench/eval-independent/routing17/, unread) was scored). Executed by
// cvRule17.ts. Why: session 14b's model met the FD goal overall on the sixteenth set (1.0%) but read Russian 5.0% (2/40)
// at 75.2% of the oracle's saving; out of fold the knobs trade each language's FD against the share, and 35% of the
// labelled-small rows were advised medium or large. The remaining lever is the model's reading of medium vs small.
// Nothing is chosen from any held-out set 2-9, 17 or RouteLLM.
//   0. Data: loadTuningRows() when the heads are trained: session 14b's 28 authors, the sixteenth set as author
//      heldout16 (scored once in session 14b, frozen, sha256 checked in tuneSet.ts), authors U and V if both wrote DONE
//      by 12:15 UTC (else neither); rows repeating a prompt of an evaluation set or of the seventeenth set left out
//      (importIncoming.ts --recheck / --recheck-frozen, file and line or id only). Every author scored by its fold head
//      trained on all other authors' rows (len15, L2 3e-7, 300 steps, unchanged).
//   0b. Time: the model must land by 13:05 UTC, so the rule runs at 12:50 UTC at the latest; an author whose fold head on
//      this round's rows is not then in the cache is scored by the previous round's head that never saw it (t16r16's fold
//      head on 27,214 rows, or for dataU, dataV and heldout16, which were not tuning data then, its all-rows head).
//      cvRule17.ts prints which head scored each author.
//   a. Models: the plain model (len15 3e-7, as shipped) and two second stages named here, both over the tier heads'
//      out-of-fold logits (stackStage.ts; fitted by stack.ts; no extra head is trained, so both fit in this round):
//      `stack` — each tier head refitted from BOTH tier logits and the rule features (the two heads read jointly: the
//      small/medium line sees the large head's evidence and the request's shape); `scale` — each tier logit rescaled
//      and shifted (calibration on authors the heads did not see). Two-level cross-validation by author: author a's rows
//      by a's fold head, then by a stage fitted on the other authors' out-of-fold rows only. The shipped stage would be
//      fitted on every author's out-of-fold rows, applied to the all-rows heads; safety.ts is run on that model.
//   b. Grid per model: session 14b's unchanged (caution off; hard-topic floor 0 or 0.35; large-tier miss weight 1, 1.25,
//      1.5, 2, 3, 4; balanced penalty 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48; small-tier cap 0.25, 0.15 or
//      none; rule 4 also 64, 96). Admissible: session 14b's limits unchanged (pooled FD <= 2.5%, every independent author
//      <= 4%, each language <= 3%, every independent author x language cell of >= 40 rows with its Wilson lower bound at
//      one-sided 80% <= 5%, safety.ts passing on that model's all-rows version). Objective unchanged: the largest mean
//      over the independent authors' folds of the share of the oracle's saving (each author's share printed).
//   c. Choice: the plain model's point as in session 14b (ties within 0.5 point of its best admissible point keep the
//      shipped knobs: caution off, floor 0, large x1, balanced 14, no cap, if admissible). A stage replaces it only if
//      its best admissible point is more than 0.5 point above that choice (the larger of the two stages if both).
//      Below 75% out of fold the choice is still made and said so. Nothing admissible anywhere: the plain model's point
//      with the fewest flagged cells within session 13b's limits that passes safety (14b's rule c). Rule 4 as before,
//      along the chosen model, floor, weight and cap.
//   d. Kind: the shipped setting (base, L2 3e-6, kind-rule weight 0.5, extra rules), retrained on all rows only.
//
// SESSION 14b RULE (2026-12-05, written 09:48-09:55 UTC by t16r16, before any fold figure on this round's 27,214 tuning
// rows was computed and before the sixteenth held-out set was scored). Executed by cvRule16.ts. Why: the session 14
// knobs (floor 0, large x1.5, balanced 14) met the FD goal in every language of the fourteenth and fifteenth sets (0.7%,
// 1.3%) but kept 71.6% and 67.2% of the oracle's saving (goal 75%), with about 45% of small requests advised medium or
// large. One downgrade penalty weighs every miss alike. In the advisor's expected cost the large-tier term cancels
// between small and medium, so the small/medium line depends on the base penalty alone: a lower base penalty with a
// heavier large-tier weight advises small more often while a request that may need large stays as well guarded.
// Nothing is chosen from any held-out set 2-9, 16 or RouteLLM.
//   0. Data: loadTuningRows() (27,214 rows, 28 authors: A-T, own, heldout1, heldout10-15; the fourteenth and fifteenth
//      sets are tuning authors now; rows repeating a prompt of an evaluation set or of the sixteenth set left out).
//      Every author scored by its fold head trained on all other authors' rows (len15, L2 3e-7, 300 steps, unchanged).
//   0b. Time: the model must land by 10:40 UTC and a fold head takes 2-4 min on this shared machine, so the rule runs at
//      10:15 UTC at the latest with the fold heads then in the cache; an author whose head on this round's rows is not
//      yet trained is scored by the previous round's head that never saw it (t16r14's fold head on 26,023 rows, or for
//      heldout14/heldout15, which were not tuning data then, t16r14's all-rows head). Every row is still out of fold;
//      those heads trained on ~1,200 fewer rows. cvRule16.ts prints which head scored each author.
//   a. Tier grid on the out-of-fold logits: caution off; hard-topic floor 0 or 0.35; large-tier miss weight 1, 1.25,
//      1.5 and (new) 2, 3, 4; balanced penalty (new) 2, 3, 4, 5 and 6, 8, 10, 12, 14, 16, 20, 24, 32, 48; (new) small
//      tier only when P(needs more than small) <= 0.25, <= 0.15, or no cap (smallMaxRisk 1). Rule 4 also 64, 96.
//      Admissible: every limit of the session 14 rule unchanged (pooled FD <= 2.5%, every independent author <= 4%,
//      each language <= 3%, every independent author x language cell of >= 40 rows with its Wilson lower bound at
//      one-sided 80% <= 5%, safety.ts passing on the all-rows model): they are what kept every language under 5% on
//      the fourteenth and fifteenth sets. Objective (unchanged): the largest mean over the independent authors' folds of
//      the share of the oracle's saving; each author's share is printed, so the spread is seen. Ties within 0.5 point
//      of the best admissible point keep the shipped knobs (session 14: caution off, floor 0, large x1.5, balanced 14,
//      no cap), if admissible. If the best admissible point is under 75% out of fold, it is still chosen and said so.
//      Nothing admissible: the fewest flagged cells within session 13b's limits (as session 14's rule c). Rule 4 as
//      before, along the chosen floor, weight and cap.
//   b. Kind: the shipped setting (base, L2 3e-6, kind-rule weight 0.5, extra rules), retrained on all rows only.
//
// SESSION 14 RULE (2026-12-05, written 08:50-08:50 UTC by t16r14, before any fold figure on this round's tuning rows
// was computed, and before authors S and T or the fifteenth held-out set were read). Executed by cvRule14.ts. Why: the
// twelfth held-out set, scored a second time with session 13b's model (whose rule limited each language's pooled
// out-of-fold FD to 3%, ko reading 2.9%), read ko 10.0% (6/60), pt and fr 8-9%, es 7.3%: a pooled language rate hides
// how unevenly one language's false downgrades fall over writers, and a new writer's 45-60-row slice is one draw of
// that spread. This round the twelfth and thirteenth sets are tuning authors, so their language slices are folds too.
// Nothing is chosen from any held-out set 2-9, 14 or 15 or RouteLLM.
//   0. Data: loadTuningRows() when the heads are trained: A-R, S and T if their DONE exists by 09:45 UTC, own,
//      heldout1, heldout10-13 (frozen files, sha256 checked; rows repeating a prompt of an evaluation set, of the
//      fourteenth set or, if it is copied in by 09:50, the fifteenth left out). Every author scored by its fold head
//      trained on all other authors' rows.
//   a. Tier: recipe unchanged (len15, L2 3e-7, 300 steps). Grid on the out-of-fold logits: caution off, hard-topic floor
//      0 or 0.35, large-tier miss weight 1, 1.25, 1.5, balanced penalty 6, 8, 10, 12, 14, 16, 20, 24 and (new) 32, 48
//      (rule 4 also 2-5, 64, 96). Admissible: session 13b's limits unchanged (pooled FD <= 2.5%, every independent
//      author <= 4%, each language's pooled FD <= 3%), safety.ts passing on the all-rows model, AND (new) every
//      independent (author x language) cell of at least 40 rows not clearly above the 5% goal: the Wilson score lower
//      bound of its FD rate at one-sided 80% confidence (z 0.8416) <= 5% (foldLimits14). In a 60-row cell that allows
//      4 false downgrades and flags 5 (8.3%); 120 rows: 8 allowed, 9 (7.5%) flagged; 200 rows: 12 allowed, 13 (6.5%)
//      flagged; a 40-row cell is flagged at 4 (10%). Why a lower bound and not an upper one: an upper bound at the goal
//      would flag most 40-60-row cells with a single miss (1/60 has a one-sided 90% upper bound of 5.4%) and leave
//      nothing admissible; the lower bound flags only cells whose own rows say the writer x language sits above the
//      goal, the pattern the twelfth set showed (6/60 ko). Why cells under 40 rows are not limited: at 14-22 rows
//      (authors F and H's minor languages) one miss is 5-7%, and no bound says anything. What it cannot do: a 60-row
//      slice of a new writer whose true rate is 2% still reaches 5% with probability 0.12 (0.06 at 45 rows); the limit
//      keeps the operating point away from writer x language pairs the folds already show to be weak, it does not
//      bound a writer the folds have not seen.
//      Objective (unchanged): the largest mean over the independent authors' folds of the share of the oracle's saving
//      (each author once, as each held-out set counts once). Ties within 0.5 point of the best admissible point keep
//      the shipped knobs (session 13b: caution off, floor 0, large x1.5, balanced 8), if admissible. Rule 4 as before.
//      [Corrected at 08:56 UTC, before any fold figure of this round existed (the heads were still training): the text
//      as committed at 08:50:58 said "balanced 20", which is session 13b's conservative penalty, not its balanced one
//      (shippedKnobs: 20/8/3). The tie-break means the shipped knobs; cvRule14.ts named the same wrong point.]
//   b. Kind: the shipped setting (head `base`, L2 3e-6, kind-rule weight 0.5, extra rules) retrained on all rows;
//      nothing compared.
//   c. Nothing admissible: among points within session 13b's limits whose all-rows model passes safety.ts, the fewest
//      flagged cells, then the largest objective; if none, the session 13b knobs with the retrained model if it passes
//      safety.ts.
//   d. Time: the model lands by 10:10 UTC. If the fold heads on the final rows are not all trained by 10:00 UTC, the
//      rule runs on the last complete set of fold heads (an earlier row set, named in the commit) and that model lands;
//      rows it did not train on wait for the next round (and a held-out set whose repeats it trained on is not scored).
//   e. Reported, choosing nothing, all marked tuned-on: per-language, per-author and flagged-cell figures of the chosen
//      and the session 13b knobs, the grid's best points with the binding constraint, lab7.ts --report.
//
// SESSION 13b RULE (2026-12-05, written 07:36-07:39 UTC by t16lang, before any fold figure on the 22,660 tuning rows
// was computed; the fold heads were training meanwhile). Executed by cvRule13b.ts. Why: the twelfth held-out set, scored
// once by the lead with session 13's model, read 4.7% FD overall but ko 11.7% (7/60), es 9.1%, pt 8.9%, fr 8.3%: the
// session 13 rule limits each author's fold, not each language, and its choice sat at the per-author limit (dataN 4.0%).
// Nothing is chosen from any held-out set 2-9, 12 or 13 or RouteLLM.
//   0. Data: loadTuningRows() = 22,660 rows (A-R, own, heldout1, heldout10, heldout11; rows repeating a prompt of the
//      thirteenth set dropped). Every author scored by its fold head trained on all other authors' rows.
//   a. Tier: recipe unchanged (len15, L2 3e-7, 300 steps). The session 13 grid on the out-of-fold logits: caution off,
//      hard-topic floor 0 or 0.35, large-tier miss weight 1, 1.25, 1.5, balanced penalty 6, 8, 10, 12, 14, 16, 20, 24
//      (2-5, 32, 48 for rule 4 only). Admissible: pooled FD over all authors <= 2.5%, every independent author's fold
//      <= 4.0% (foldLimits12), AND (new) each of the nine languages' pooled out-of-fold FD (all authors' rows in that
//      language, each row read by its author's fold head) <= 3.0% (foldLimits13b.perLanguage), and safety.ts passing on
//      the all-rows model with those knobs. Why 3%: at a true rate of 3% a held-out language of 60-80 rows exceeds 5%
//      with probability about 0.1 (binomial: 0.11 at 60 rows, 0.09 at 80, 0.19 at 50); at 4% it would be 0.22-0.32.
//      Each language has 1,858-4,359 tuning rows, so its pooled out-of-fold rate is itself measured to about +-0.4
//      point. A limit on tuning folds cannot bound a shift between tuning and held-out writers (7/60 is very unlikely
//      at a true 3%); it keeps the operating point away from languages the folds already show to be weak.
//      Objective: the largest mean over the independent authors' folds of the share of the oracle's saving. Ties within
//      0.5 point of the best admissible point keep the shipped knobs (session 13: caution off, floor 0.35, large x1.5,
//      balanced 6), if admissible. Rule 4 as before: conservative/aggressive = the penalties of the chosen floor and
//      large weight whose pooled rate is nearest half and twice the balanced one (a tie in distance: the larger penalty).
//   b. Kind: the shipped setting (head `base`, L2 3e-6, kind-rule weight 0.5, extra rules) retrained on all rows;
//      nothing compared.
//   c. Nothing admissible: the session 13 knobs stay with the retrained model if it passes safety.ts. The model lands
//      on main by 08:22 UTC, else only this rule lands (no model or knob change).
//   d. Reported, choosing nothing, all marked tuned-on: per-language and per-author figures of the chosen and the
//      session 13 knobs, the grid's best points with the binding constraint, lab7.ts --report.
//
// SESSION 13 RULE (2026-12-05, written 06:25-06:35 UTC by t16tune5, before any fold figure that includes the tenth and
// eleventh held-out sets was computed). Executed by cvRule13.ts. The tenth and eleventh sets were scored once at 06:22
// UTC with session 12's model and now become tuning data (authors `heldout10` and `heldout11`, independent), as the
// first set did in session 5. Nothing is chosen from held-out sets 2-9, the twelfth set (being written, not opened) or
// RouteLLM.
//   0. Data: loadTuningRows() = A-R, own, heldout1, heldout10, heldout11 (the two frozen files sha256-checked; a row of
//      theirs whose prompt is also in an evaluation set 2-9 leaves tuning, by id). Folds: every author, the three
//      held-out authors included, scored by its fold head trained on all other authors' rows.
//   a. Tier: recipe unchanged (`len15`, L2 3e-7, 300 steps; no variant compared). Knob grid on the out-of-fold logits:
//      caution off with hard-topic floor 0 (shipped) or 0.35 (session 12's grid); large-tier miss weight 1, 1.25, 1.5;
//      balanced penalty 6, 8, 10, 12, 14, 16, 20, 24 (2-5, 32 and 48 for rule 4 only). Admissible: pooled false
//      downgrades over all authors <= 2.5% and every independent author's fold <= 4.0% (foldLimits12, as session 12),
//      and safety.ts passing on the all-rows model (len15 tier head and the shipped kind setting, both trained on all
//      rows) with those knobs. Objective: the largest mean over the independent authors' folds (A-R, heldout1,
//      heldout10, heldout11, each once) of the share of the oracle's saving. Ties within 0.5 point of the best
//      admissible point keep the shipped knobs (caution off, floor 0, large x1.25, balanced 10), if admissible.
//      Rule 4 as session 7/12: conservative/aggressive = the penalties of the chosen floor and large weight whose pooled
//      rate is nearest half and twice the balanced one (a tie in distance: the larger penalty).
//   b. Kind: the shipped setting (head `base`, L2 3e-6, kind-rule weight 0.5, extra rules on) retrained on all rows;
//      nothing compared. Its out-of-fold kind accuracy on the heldout10 and heldout11 folds is reported if those two
//      kind fold heads are trained in time (chooses nothing).
//   c. The all-rows model with the knobs of a must pass safety.ts; if it does not, the same model with session 12's
//      knobs, and if that fails, session 12's model stays. The final model lands on main by 07:50 UTC, else session
//      12's model stays (and the data change alone may land).
//   d. Reported, choosing nothing, all marked tuned-on: per author and language with the chosen knobs (lab7.ts
//      --report), the grid's best points, safety, model size. The twelfth set is scored by the lead after landing.
//   Outcome (added 07:10 UTC, after the run; the rule above is as committed): session 12's knobs failed safety.ts on
//   the retrained heads; the best admissible point is caution off, floor 0.35, large x1.5, penalty 6 (14/2): mean share
//   76.7% over the 21 independent authors, pooled FD 2.2%, dataN 4.0%. Out-of-fold kind: heldout10 83.7%, heldout11
//   90.3%. Landed 07:08 UTC (75529c8). Figures: docs/benchmarks.md, session 13.
//
// SESSION 12 RULE (2026-12-05, written 05:20-05:35 UTC by t16tune4, before any row of the new tuning authors P, Q and
// R was read: P's folder was only listed, Q and R were still being written; the tenth and eleventh held-out sets are
// not opened until the model is final and landed). Executed by cvRule12.ts. Nothing is chosen from held-out sets 2-9
// or RouteLLM. Reasons: the ninth set lost its saving at the medium/large line (76 of 213 medium advised large) because
// session 11's knobs were forced by one author's fold at the 3% per-author limit; the kind head misread ja/en/ru.
//   0. Folds (every author A-R, own, heldout1 scored by a model that never saw it; no retraining when P, Q, R arrive):
//      authors of A-O, own and heldout1 by their fold heads, trained on the other authors of the 18,104 rows A-O
//      (all variants' folds trained now, session 11's included, so every variant sees the same rows); the new
//      authors P, Q and R by the variant's head trained on all 18,104 rows of A-O, i.e. read the way a held-out set
//      is. P, Q and R are reported apart as unseen.
//   a. Tier variants: `len15` at L2 3e-7 (shipped); `depth15` at 3e-7 (len15 plus textFeatures.ts `depthTokens`:
//      sentences, identifiers, paths, list items, numbers, code blocks and a closing question mark, alone and tagged
//      with the length bin, so a short question with an alarm word can read apart from a request that spells out
//      depth); `len15` at L2 1e-6 (less weight on any one word: alarm words over-read at the medium/large line). A
//      variant is compared only if its 18 trainings (17 folds + all A-O rows) are done by 06:10 UTC. Knob grid per
//      variant: caution off with hard-topic floor 0 or 0.35; large-tier miss weight 1, 1.25, 1.5; balanced penalty
//      3, 4, 5, 6, 8, 10, 12, 14, 16, 20 (and 2, 24, 32, 48 for rule 4 only).
//      Admissible (thresholds of this session): pooled false downgrades over all authors <= 2.5% and every
//      independent author's fold <= 4.0% (session 7-11: 5% and 3%), and safety.ts passes with the variant's all-A-O
//      heads and the knobs. Why the change: each held-out set is in effect one more author; with twenty authors the
//      worst fold is the stand-in for a new set (a new exchangeable set exceeds the worst of twenty with chance about
//      1/21), and 4% leaves a point for a 600-row set's sampling noise (about 0.8 point at 3.5%) below the 5% goal;
//      pooled 2.5% is about twice session 11's 1.3%, which gave 2.2% on the ninth set. At 3% per author the saving
//      goal was missed on the ninth set with FD at 2.2%: the room between 2.2% and 5% is spent on the saving here.
//      Objective: the mean over the independent authors' folds (A-R and heldout1, each once) of the share of the
//      oracle's saving. Per variant its best admissible setting; a variant replaces the shipped one only if more than
//      0.5 point above it; within 0.5 point of the best, the shipped, then len15 at 1e-6 (no new feature). Rule 4 as
//      session 7: conservative/aggressive = the penalties of the chosen setting whose pooled rate is nearest half and
//      twice the balanced one.
//   b. Kind heads: `base` (shipped), `cjk3`, `endsc`, `klen`, `klenc` and `krule` (the kind rules with session 11's
//      extra rules as tokens the head weighs itself, lab.ts), each compared only if its all-A-O head and its dataN and
//      dataO fold heads are trained by 06:05 UTC; each with kind-rule weight 0, 0.5, 1 on the logits and the extra
//      rules on the logits off and on. Scored (five authors, each once): P, Q and R by the heads trained on all A-O
//      (no head saw them, no row of theirs was read before this rule), and N and O (session 11's worst kind folds,
//      77.8%) by fold heads trained on the other authors of A-O. Objective: mean kind accuracy over the five. Admissible: the head passes safety.ts's kind and calibration checks.
//      The best admissible setting replaces the shipped one (base, weight 0.5, extra rules on) only if more than 0.5
//      point above it; within 0.5 point of the best, fewer weights, then the shipped, then the simpler.
//   c. Data: P, Q and R imported by importIncoming.ts when their DONE exists (sha256 against DONE, repeats of tuning or
//      evaluation prompts dropped); an author not DONE by 06:05 UTC is left out of this session (the rule runs with
//      those that are in). The chosen tier variant and kind head are retrained on all rows (A-R, own, heldout1) with
//      the knobs of a; the model must pass safety.ts; if it does not, the same model with session 11's knobs (large
//      x1.5, 32/12/5), and if that fails, session 11's model. Landed by 06:40 UTC, else session 11's model stays.
//   d. Reported, choosing nothing: per author and language for the chosen settings, P, Q and R apart; the tenth set
//      (sha256 recorded) and the eleventh (sha256 recorded when its DONE exists, before any tuning result is committed)
//      scored once each after the model has landed; sets 2-9 and RouteLLM re-scored for information.
//   Outcome (added 06:10 UTC, after the run; the rule above is as committed): a. len15 at 3e-7, caution off, floor 0,
//   large x1.25, penalty 10 (24/3): mean share 74.7% over nineteen independent authors, pooled FD 1.8%, dataP 3.8%;
//   depth15's best admissible setting 68.5% (most failed safety.ts on "帮我找出这个死锁"); len15 at 1e-6 and kind head
//   klenc were not trained by their deadlines. b. The shipped kind setting stays (78.0% over N, O, P, Q, R; best other
//   krule at weight 0, 78.3%, within the margin). `depthTokens` moved from textFeatures.ts to lab.ts when it was not
//   chosen. Figures: docs/benchmarks.md, session 12.
//
// SESSION 11 RULE (2026-12-05, written 02:42-02:50 UTC, before authors N and O wrote DONE or any of their rows was
// read; the ninth held-out set is not opened, not even listed, until the model is final and landed: only `test -f
// DONE`). Session 7's rule (below) unchanged; session 8-10's structure (variants compared on the authors present, new
// authors entering afterwards). Nothing is chosen from held-out sets 2-8 or RouteLLM.
//   a. Kind (session 7 rule 3; kindRule11.ts). Settings of the kind reading against the shipped one (head `base`,
//      8,192 buckets, L2 3e-6, kind-rule weight 1, session 11's extra rules off): heads `base`, `cjk3` (CJK/Hangul
//      character trigrams), `endsc` (first four and last three words tagged apart, plus the trigrams) and `klen` (the
//      length-tagged words the tier heads read since session 10: very short requests) — a head only if its seven fold
//      heads and its all-rows head (15,858 rows, A-M) are trained by 03:25 UTC — each at kind-rule weight 0.5, 1 and
//      1.5, with the extra kind rules (kindRules.ts `extraRules`, knob `extraKindRules`: added to the kind logits only)
//      off and on. Scored authors (nine, each counted once): the folds of dataC, D, F, J, K (most de/es/ko/ja rows) and
//      dataL, M (business and systems registers, session 10's worst kind folds), each head trained on the other
//      authors of A-M; and the new authors N and O, scored by each head trained on all 15,858 rows of A-M (neither
//      new author trains it). Objective: mean kind accuracy over the nine. Admissible: the all-rows head with that
//      setting passes safety.ts's kind and calibration checks, and its mean over N and O is at most 0.5 point below
//      the shipped setting's (the extra rules were written after reading some of L's and M's misread rows this
//      session; N's and O's were not read). The admissible setting with the best objective replaces the shipped one
//      only if it is more than 0.5 point above it; its head is then retrained on all rows (A-O).
//   b. Tier: recipe `len15` unchanged (no tier variant is compared; the tier heads do not read the extra rules),
//      retrained on all rows with N and O. The knobs are chosen again by session 7's rules 1, 2 and 4 on the
//      seventeen authors' tier folds (own, heldout1, A-O), grid: caution off with floor 0 or 0.35, or on with floor
//      0.35 only up to 5 or 8 prose words; large x1 and x1.5; balanced penalty 6, 8, 10, 12, 14, 16, 20 (session 10:
//      the caution at any length or up to 12 words was below these), rule 4 on 2-5 and 24-48 — if the folds and the
//      grid finish by 04:00 UTC; otherwise session 10's knobs (caution off, floor 0, large x1, 32/14/4) with the
//      retrained model, and if that fails safety.ts, session 10's tier heads.
//   c. N and O imported by importIncoming.ts when their DONE files are there (sha256 checked against DONE; repeats of
//      tuning or evaluation prompts dropped). If either is not DONE by 03:40 UTC, the rule runs without it: a with
//      the seven folds (and a new author that is DONE), b only with the authors that are in. The final model lands by
//      04:12 UTC, else session 10's stays.
//   d. Reported, choosing nothing: N's and O's kind and tier figures per language; the seventeen-author tier CV per
//      author and language. The ninth set is copied in after the model has landed, its sha256 (from its DONE)
//      recorded and committed, and scored once; sets 2-8 and RouteLLM re-scored for information.
//
// SESSION 10 RULE (2026-12-04/05, written 23:47-23:52 UTC, before authors L and M wrote DONE or any of their rows was
// read, and before any session-10 grid or experiment was scored; the eighth held-out set is not opened, not even
// listed, until the model is final and landed). Session 7's rule (below) unchanged; session 8/9's structure (variants
// compared on the authors present, new authors entering afterwards). Folds: authors held out in turn, tuning rows only.
// Nothing is chosen from held-out sets 2-7 or RouteLLM.
//   a. Tier (session 7 rules 1-2, lab7.ts), on the thirteen authors of session 9 (13,614 rows):
//      - variants: the shipped recipe `b15` (32,768 buckets, L2 3e-7, 300 steps, no second stage) and `len15` (the
//        same plus each word token again tagged with the request's length bin, so a very short request can carry
//        its own weights: aimed at short CJK hard requests). len15 is compared only if its thirteen tier folds are
//        trained by 00:35 UTC. Tie within 0.5 point: fewer weights (equal here), then the shipped one.
//      - knob grid per variant: the rules' caution on at any length (shipped), on only for requests of at most 12,
//        8 or 5 prose words (new knob `cautionMaxWords`; signals.ts counts a CJK character as half a word), each
//        with hard-topic floor 0.35; off with floor 0.35; off with floor 0; large-tier miss weight 1 and 1.5;
//        balanced penalty 4-14 (and 16-48 for rule 4's conservative setting).
//   b. Kind (session 7 rule 3), on the folds of the five independent authors with the most de/es/ko/ja rows
//      (dataF 603, dataJ 506, dataC 480, dataK 464, dataD 442; counted from the tuning files at 23:48 UTC), kind-rule
//      weight 1: the shipped head (`base`, 8,192 buckets, L2 3e-6; its folds are session 9's, same rows) against
//      `endsc` (plus the first four and last three words tagged apart and CJK/Hangul character trigrams: verb-final
//      German, Korean and Japanese requests name the kind at the end) and `cjk3` (trigrams alone). Objective: the
//      mean kind accuracy over those five folds; a variant wins only if it is more than 0.5 point above the shipped
//      head and its all-rows kind head passes safety.ts's kind and calibration checks. Variants whose five folds
//      and all-rows head are not trained by 00:50 UTC are not compared (the shipped head stays).
//   c. New data: L and M imported by importIncoming.ts (checks; repeats of tuning or evaluation prompts dropped;
//      --recheck against the evaluation sets). The recipe of a and b is retrained on ALL tuning rows. The knobs
//      are chosen again by session 7's rules 1, 2 and 4 on the fifteen-author tier folds of that recipe with the
//      grid of a, if those folds and the grid finish by 01:05 UTC; otherwise the thirteen-author choice of a
//      stays. The all-rows model must pass safety.ts with the chosen knobs; if no setting is admissible, session
//      9's knobs (caution on, floor 0.35, large x1.5, penalties 20/7/3) with the retrained model, and if that fails,
//      session 9's model. Landed by 01:20 UTC; if the retrained model is not landed by then, session 9's stays.
//   d. Reported, choosing nothing: fifteen-author cross-validation per language, per kind and per author (tier,
//      and kind if its folds finish). The eighth set is copied in after the model has landed, its sha256 recorded
//      and committed, and scored once.
//
// SESSION 9 RULE (2026-12-04, written 20:46 UTC, before authors J and K wrote DONE or any of their rows was read,
// and before any session-9 grid or experiment was scored; the seventh held-out set is not opened until the model
// is final and landed). Session 7's rule (below) unchanged; session 8's structure (variants compared on the authors present,
// new authors entering afterwards) with these names and times:
//   a. Tier recipe: session 8's, unchanged (32,768 buckets, L2 3e-7, 300 steps, no second stage). No tier variant
//      is compared: session 8 measured the named ones (prior, stackk, 8,192 buckets) below it, and the CPU left
//      between the new rows (~21:45) and the last landing (22:40) goes to the new authors' folds.
//   b. Kind recipe: compared now on the eleven authors of session 8 (11,419 rows), by session 7's rule 3 (mean
//      kind accuracy over the independent authors' folds; admissible only if the all-rows kind head passes
//      safety.ts's kind and calibration checks; within 0.5 point the shipped setting wins, then fewer weights):
//      kind head 8,192 buckets at L2 3e-6 (shipped) and 1e-6 (named untried in session 8), each with kind-rule
//      weight 0, 0.5, 0.75, 1. If the 1e-6 folds are not all trained by 21:50 UTC, only the shipped head's rule
//      weights are compared.
//   c. New data: J and K imported by importIncoming.ts (checks; repeats of tuning or evaluation prompts dropped).
//      The recipe of a and b is retrained on ALL tuning rows. The decision knobs are chosen again by session 7's
//      rules 1, 2 and 4 on the thirteen-author tier folds of that recipe (grid: rules' caution on with floor 0.35,
//      off with 0.35, off with 0; large-tier miss weight 1 and 1.5; balanced penalty 4-14, with 16-40 for rule 4's
//      conservative setting), if those folds are trained by 22:15 UTC; otherwise session 8's knobs stay. The
//      all-rows model must pass safety.ts with the chosen knobs (rule 1 already requires it); if no setting is
//      admissible, session 8's model stays and J and K remain tuning rows for the next session.
//   Addendum, 21:24 UTC (timing only, before any kind fold of this session was scored): the 1e-6 kind folds were
//      stopped at 21:02 (2 of 12 trained; at 390-520 s a fold they could not finish by 21:50). The shipped head's
//      eleven-author folds decide the kind-rule weight under b only if all are trained by 22:05 UTC; otherwise
//      the weight stays 1.
//   d. Reported, choosing nothing: thirteen-author cross-validation per language, per kind and per author (tier
//      and, if its folds are trained in time, kind). No evaluation set (fourth to sixth, RouteLLM) is scored to
//      choose anything; the seventh is copied in, its sha256 recorded and committed, and scored once after the
//      model is final and landed.
//
// SESSION 8 RULE (2026-12-04, written 18:58 UTC, before any session-8 grid or experiment was scored). It keeps
// session 7's rule (below: folds, admissibility with safety.ts as a hard constraint, the objectives, the tie-break,
// conservative/aggressive) and adds only what the timetable forces:
//   a. Variants compared (all on the folds of the tuning set as it stands when the grid runs: nine authors, 9,171
//      rows, because the two new authors H and I arrive at about 19:30-19:45 UTC and the model is frozen at
//      20:10): tier 32,768 buckets (shipped), 8,192 buckets, and 32,768 with a second stage `prior` (tier bias per
//      kind read: the kind-conditioned prior) or `stackk` (tier logits, rule signals and the out-of-fold kind
//      probabilities), each stage fitted nested on out-of-fold outputs (lab7.ts); kind heads L2 3e-6 (shipped)
//      and 1e-6, each with kind-rule weight 0, 0.5, 1. Rules 1-4 of session 7 pick among them.
//   b. New data: when H and I are imported, the picked recipe (variant, L2, stage, kind head, kind-rule weight)
//      is retrained on all tuning rows. The decision knobs are chosen again by session 7's rules 1-2 and 4 on
//      the eleven-author tier folds of that recipe if they are trained by 19:58 UTC; otherwise the nine-author
//      knobs stay. A second stage, if picked, is refitted on the out-of-fold outputs that exist by then (eleven
//      authors if done, else nine). The all-rows model must pass safety.ts with the knobs; if it does not, the
//      nine-author model of the same recipe ships (the new rows stay tuning data for the next session).
//   c. If no variant beats the shipped one under session 7's tie-break, the shipped recipe is retrained with the
//      new rows under b. No evaluation set is opened or scored before the model is frozen and landed.
//
// SESSION 7 RULE (2026-12-04, written 16:08 UTC, before any session-7 grid or experiment was run; it replaces
// session 6's rule, kept below, which left the router's safety tests out and so picked two settings that broke
// them):
//   0. Folds: every author's rows held out in turn (the project's own and each independent author's), the
//      model trained on the rest. Only tuning rows; no evaluation set is scored to choose anything.
//   1. Admissible: a candidate (tier model variant + decision knobs) whose model trained on ALL tuning rows,
//      with those knobs, passes every check of bench/routing/safety.ts (every model-dependent assertion of
//      the router, estimator and task-kind unit tests), and whose out-of-fold advice has at most 3% false
//      downgrades on every independent author's fold and at most 5% pooled over all authors.
//   2. Tier: among admissible candidates, the largest MEAN over the independent authors' folds of the share of
//      the oracle's saving (each author counts once, as each independent set does). Between knob settings of
//      one model variant the largest wins; between model variants, any within 0.5 point of the best counts as
//      tied and the one with fewer weights (then without a second stage) wins.
//   3. Kind: among kind-head variants (features, buckets, L2, kind-rule weight) whose model on all tuning rows
//      passes safety.ts together with the chosen tier heads and knobs, the largest mean over the independent
//      authors' folds of kind accuracy; within 0.5 point, the one with fewer weights (then the simpler).
//   4. Conservative and aggressive: the chosen knobs at the penalties whose pooled false-downgrade rate is
//      nearest half and twice the balanced one (safety.ts checks the order conservative >= balanced >= aggressive).
//   5. If the unit tests fail on the pick while safety.ts passed, the failing assertion is added to safety.ts
//      and the rule applied again; nothing is chosen by hand. If nothing is admissible, the shipped model stays.
//
// Session 6 rule (13:03 UTC, kept for cv.ts --grid and the record):
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

/** Session 6 rule 1: the operating point, or undefined when no setting satisfies the constraints. */
export function applyRule<T extends GridPoint>(points: readonly T[]): T | undefined {
  let chosen: T | undefined;
  for (const p of points) {
    const ok = p.all.falseDowngradeRate <= 0.05 && [...p.per].every(([a, s]) => !isIndependent(a) || s.falseDowngradeRate <= 0.03);
    if (ok && (!chosen || p.all.shareOfOracle > chosen.all.shareOfOracle)) chosen = p;
  }
  return chosen;
}

/** Mean over the independent authors' folds (each author once). */
export function meanIndependent(per: ReadonlyMap<string, SetScore>, of: (s: SetScore) => number | undefined): number {
  const xs = [...per].filter(([a]) => isIndependent(a)).map(([, s]) => of(s)).filter((x): x is number => x !== undefined);
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0;
}

export interface Candidate extends GridPoint {
  /** The model variant (knob settings of one variant share it). */
  variant: string;
  /** Weights of the variant (fewer wins a tie between variants). */
  size: number;
  /** Whether the variant has a second (stacked) stage. */
  stacked: boolean;
  /** safety.ts failures of the variant's all-rows model with these knobs (undefined: not run yet). */
  safety?: readonly string[];
}

/** Session 7 rule 1: the constraints on the out-of-fold figures (safety is checked apart, it is slow). */
export const meetsFoldLimits = (p: GridPoint): boolean =>
  p.all.falseDowngradeRate <= 0.05 && [...p.per].every(([a, s]) => !isIndependent(a) || s.falseDowngradeRate <= 0.03);

/** Session 7 rule 2's objective. */
export const tierObjective = (p: GridPoint): number => meanIndependent(p.per, (s) => s.shareOfOracle);

/**
 * Session 7 rules 1-2: per variant the best admissible knob setting, then across variants the best within
 * 0.5 point by size and stage. `safe(p)` runs safety.ts for a candidate; it is called lazily, best first.
 */
export function applyRule7<T extends Candidate>(points: readonly T[], safe: (p: T) => boolean): { chosen?: T; perVariant: Map<string, T> } {
  const perVariant = new Map<string, T>();
  const sorted = points.filter(meetsFoldLimits).sort((a, b) => tierObjective(b) - tierObjective(a));
  for (const p of sorted) {
    if (perVariant.has(p.variant)) continue;
    if (safe(p)) perVariant.set(p.variant, p);
  }
  const best = Math.max(...[...perVariant.values()].map(tierObjective));
  const tied = [...perVariant.values()].filter((p) => tierObjective(p) >= best - 0.005);
  tied.sort((a, b) => a.size - b.size || Number(a.stacked) - Number(b.stacked) || tierObjective(b) - tierObjective(a));
  return { chosen: tied[0], perVariant };
}

/** Session 7 rule 3's objective. */
export const kindObjective = (per: ReadonlyMap<string, SetScore>): number => meanIndependent(per, (s) => s.kindAccuracy);

/** Session 12 rule a: the fold limits of this session (pooled over all authors; each independent author). */
export const foldLimits12 = { pooled: 0.025, perAuthor: 0.04 } as const;

/** Session 12 rule a's admissibility on the out-of-fold figures (safety is checked apart). */
export const meetsFoldLimits12 = (p: GridPoint): boolean =>
  p.all.falseDowngradeRate <= foldLimits12.pooled && [...p.per].every(([a, s]) => !isIndependent(a) || s.falseDowngradeRate <= foldLimits12.perAuthor);

/** Session 13b rule a: session 12's fold limits plus one on each language's pooled out-of-fold false downgrades. */
export const foldLimits13b = { ...foldLimits12, perLanguage: 0.03 } as const;

/** Session 13b rule a's admissibility (safety is checked apart); `byLanguage`: every author's rows by its fold head. */
export const meetsFoldLimits13b = (p: GridPoint & { byLanguage: ReadonlyMap<string, SetScore> }): boolean =>
  meetsFoldLimits12(p) && [...p.byLanguage.values()].every((s) => s.falseDowngradeRate <= foldLimits13b.perLanguage);

/**
 * Session 14 rule a: session 13b's limits plus one on each independent (author x language) cell of at least
 * `minCellRows` rows: the Wilson score lower bound of its false-downgrade rate at z `cellZ` (one-sided 80%) <= `perCell`.
 */
export const foldLimits14 = { ...foldLimits13b, perCell: 0.05, cellZ: 0.8416, minCellRows: 40 } as const;

/** Wilson score interval's lower bound for `x` successes in `n` trials at normal quantile `z`. */
export function wilsonLower(x: number, n: number, z: number): number {
  if (n === 0) return 0;
  const p = x / n;
  const d = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / d;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return Math.max(0, centre - half);
}
