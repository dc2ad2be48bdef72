// Shared scoring for routing sets: false downgrades, savings versus always-large and versus the
// oracle, accuracy, task-kind accuracy, per language. Used by evaluate.ts, train.ts (cross-validation),
// independent.ts and routellm.ts.
import type { Tier } from '../../src/core/router';
import { detectLanguage } from '../../src/core/routing/requestLanguage';

export interface LabelledRow {
  prompt: string;
  contextTokens: number;
  /** Cheapest adequate tier. */
  tier: Tier;
  kind?: string;
  lang?: string;
  /** Who wrote the row: 'own' (the project) or an independent data helper ('dataA', 'dataB'). */
  author?: string;
}

export interface Verdict { tier: Tier; kind?: string }

export interface SetScore {
  count: number;
  accuracy: number;
  falseDowngrades: number;
  falseDowngradeRate: number;
  overProvisionRate: number;
  savingVsLarge: number;
  oracleSavingVsLarge: number;
  /** Saving as a share of the oracle's saving. */
  shareOfOracle: number;
  kindCount: number;
  kindAccuracy?: number;
}

const rank: Record<Tier, number> = { small: 0, medium: 1, large: 2 };
// Haiku 4.5, Sonnet 4.5, Opus 4.5 list prices (USD per Mtok).
const ratesPerMTok: Record<Tier, { input: number; output: number }> = {
  small: { input: 1, output: 5 }, medium: { input: 3, output: 15 }, large: { input: 5, output: 25 },
};
// Typical reply size for work of each labelled tier.
const typicalOutputTokens: Record<Tier, number> = { small: 500, medium: 1_500, large: 3_000 };
const overheadTokens = 4_000; // system prompt and tool definitions

function costUsd(r: LabelledRow, tier: Tier): number {
  const inputTokens = Math.ceil(r.prompt.length / 4) + r.contextTokens + overheadTokens;
  const rates = ratesPerMTok[tier];
  return (inputTokens * rates.input + typicalOutputTokens[r.tier] * rates.output) / 1e6;
}

/** A false downgrade wastes the weak attempt and is then redone on the tier it needed. */
export function scoreSet(rows: readonly LabelledRow[], verdicts: readonly Verdict[]): SetScore {
  let correct = 0, down = 0, up = 0, large = 0, routed = 0, oracle = 0, kindCount = 0, kindRight = 0;
  rows.forEach((r, i) => {
    const v = verdicts[i];
    large += costUsd(r, 'large');
    oracle += costUsd(r, r.tier);
    if (v.tier === r.tier) { correct++; routed += costUsd(r, r.tier); }
    else if (rank[v.tier] < rank[r.tier]) { down++; routed += costUsd(r, v.tier) + costUsd(r, r.tier); }
    else { up++; routed += costUsd(r, v.tier); }
    if (r.kind !== undefined) { kindCount++; if (v.kind === r.kind) kindRight++; }
  });
  const n = rows.length || 1;
  return {
    count: rows.length, accuracy: correct / n, falseDowngrades: down, falseDowngradeRate: down / n, overProvisionRate: up / n,
    savingVsLarge: (large - routed) / large, oracleSavingVsLarge: (large - oracle) / large,
    shareOfOracle: large === oracle ? 1 : (large - routed) / (large - oracle),
    kindCount, kindAccuracy: kindCount > 0 ? kindRight / kindCount : undefined,
  };
}

/** Scores overall and per language (rows without `lang` are detected). */
export function scoreByLanguage(rows: readonly LabelledRow[], verdicts: readonly Verdict[]): { all: SetScore; byLang: Map<string, SetScore> } {
  return scoreByGroup(rows, verdicts, (r) => r.lang ?? detectLanguage(r.prompt));
}

/**
 * Scores overall and per group, largest group first (`byLang` names the groups whatever they are); rows whose
 * group is undefined count in the total only.
 */
export function scoreByGroup(rows: readonly LabelledRow[], verdicts: readonly Verdict[], groupOf: (r: LabelledRow, i: number) => string | undefined): { all: SetScore; byLang: Map<string, SetScore> } {
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const lang = groupOf(r, i);
    if (lang === undefined) return;
    const g = groups.get(lang) ?? [];
    g.push(i);
    groups.set(lang, g);
  });
  const byLang = new Map<string, SetScore>();
  for (const [lang, idx] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    byLang.set(lang, scoreSet(idx.map((i) => rows[i]), idx.map((i) => verdicts[i])));
  }
  return { all: scoreSet(rows, verdicts), byLang };
}

// The language reader moved unchanged to src/core in session 17 (the shipped kind bias reads it); re-exported here.
export { detectLanguage };

export const pct = (x: number | undefined): string => (x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);

/** One Markdown table row per language plus the total. */
export function scoreTable(title: string, result: { all: SetScore; byLang: Map<string, SetScore> }): string {
  const lines = [
    `| ${title} | n | false downgrades | accuracy | saving vs always-large | share of oracle saving | task kind |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const row = (name: string, s: SetScore): string =>
    `| ${name} | ${s.count} | ${pct(s.falseDowngradeRate)} (${s.falseDowngrades}) | ${pct(s.accuracy)} | ${pct(s.savingVsLarge)} (oracle ${pct(s.oracleSavingVsLarge)}) | ${pct(s.shareOfOracle)} | ${s.kindCount ? `${pct(s.kindAccuracy)} of ${s.kindCount}` : '–'} |`;
  lines.push(row('**all**', result.all));
  for (const [lang, s] of result.byLang) lines.push(row(lang, s));
  return lines.join('\n');
}
