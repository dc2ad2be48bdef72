// The tuning set: hand-written labelled requests in nine languages (bench/routing/tune/*.tsv: the
// project's own `<lang>.tsv` and `mixed*.tsv`, and `indep-data<X>-*.tsv` written by independent data
// helpers who saw only the label definitions, see bench/routing/README.md) plus the tuning half (even
// lines) of eval.jsonl. Only this trains the model; the held-out half of
// eval.jsonl, the independent sets and the public RouteLLM sets are only ever evaluated.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tier } from '../../src/core/router';
import { detectLanguage, type LabelledRow } from './score';

const tiersSet = new Set(['small', 'medium', 'large']);
const kinds = new Set(['completion', 'rename', 'edit', 'docstring', 'question', 'test', 'docs', 'review', 'bugfix', 'refactor', 'feature', 'architecture', 'other']);

export function loadTuneTsv(dir = join(__dirname, 'tune')): LabelledRow[] {
  const rows: LabelledRow[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.tsv')).sort()) {
    // `<lang>.tsv` holds one language; other files name it in their first column.
    const fileLang = /^[a-z]{2}\.tsv$/.test(file) ? file.slice(0, 2) : undefined;
    const author = /^indep-(data[A-Z])-/.exec(file)?.[1] ?? 'own';
    readFileSync(join(dir, file), 'utf8').split('\n').forEach((line, i) => {
      if (!line.trim() || line.startsWith('#')) return;
      const cols = line.split('\t');
      const lang = fileLang ?? cols.shift()!;
      const [tier, kind, ctx, ...rest] = cols;
      const prompt = rest.join('\t').replace(/\\n/g, '\n');
      if (!tiersSet.has(tier) || !kinds.has(kind) || !prompt) throw new Error(`${file}:${i + 1}: bad row`);
      rows.push({ prompt, contextTokens: Number(ctx) || 0, tier: tier as Tier, kind, lang, author });
    });
  }
  return rows;
}

function loadEvalJsonl(): { prompt: string; contextTokens: number; tier: Tier }[] {
  return readFileSync(join(__dirname, 'eval.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** Tuning rows: the TSV set (tier and kind) and eval.jsonl's even lines (tier only). */
export function loadTuningRows(): LabelledRow[] {
  const evalTune = loadEvalJsonl().filter((_, i) => i % 2 === 0).map((r) => ({ ...r, lang: detectLanguage(r.prompt), author: 'own' }));
  return [...loadTuneTsv(), ...evalTune];
}

/** eval.jsonl's odd lines: the project's own held-out half. */
export function loadOwnHeldOut(): LabelledRow[] {
  return loadEvalJsonl().filter((_, i) => i % 2 === 1);
}
