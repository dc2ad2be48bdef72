// The tuning set: hand-written labelled requests in nine languages (bench/routing/tune/*.tsv: the
// project's own `<lang>.tsv` and `mixed*.tsv`, and `indep-data<X>-*.tsv` written by independent data
// helpers A-R who saw only the label definitions, see bench/routing/README.md), the tuning half (even
// lines) of eval.jsonl, and since session 5 the first independent held-out set
// (bench/eval-independent/routing/heldout.jsonl, author `heldout1`), moved to tuning after its single
// evaluation. Only this trains the model; the held-out half of eval.jsonl, the second to eighth independent
// sets (bench/eval-independent/routing2/ … routing8/, heldOut.ts `evaluationSets`) and the public RouteLLM sets
// are only ever evaluated.
import { createHash } from 'node:crypto';
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

/** The first independent held-out set: evaluated once (session 4), tuning data since session 5. Frozen. */
export const firstHeldOutSha256 = '2bc738a016e0b0118df74e62474f9b3305393a1a207f0ac2833c1c1b5e791561';
export const firstHeldOutPath = join(__dirname, '../eval-independent/routing/heldout.jsonl');

/**
 * Rows of the first set (by id) that do not train: a later evaluation set has the same prompt, and the file is frozen,
 * so they are left out here (importIncoming.ts --recheck names them). Session 11: h292 is also a prompt of the ninth set (session 12: and of the eleventh).
 */
export const firstHeldOutNotTuning: ReadonlySet<string> = new Set(['h292']);

export function loadFirstHeldOut(options: { tuning?: boolean } = {}): LabelledRow[] {
  const bytes = readFileSync(firstHeldOutPath);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== firstHeldOutSha256) throw new Error(`${firstHeldOutPath}: sha256 ${sha}, expected ${firstHeldOutSha256} (the set is frozen)`);
  const rows = bytes.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { id: string; prompt: string; contextTokens: number; tier: Tier; kind: string; lang: string });
  return rows.filter((r) => !options.tuning || !firstHeldOutNotTuning.has(r.id))
    .map((r) => ({ prompt: r.prompt, contextTokens: r.contextTokens, tier: r.tier, kind: r.kind, lang: r.lang, author: 'heldout1' }));
}

/**
 * Tuning rows: the TSV set (tier and kind), eval.jsonl's even lines (tier only) and the first
 * independent held-out set (tier and kind; a fourth author for cross-validation).
 */
export function loadTuningRows(): LabelledRow[] {
  const evalTune = loadEvalJsonl().filter((_, i) => i % 2 === 0).map((r) => ({ ...r, lang: detectLanguage(r.prompt), author: 'own' }));
  return [...loadTuneTsv(), ...evalTune, ...loadFirstHeldOut({ tuning: true })];
}

/** eval.jsonl's odd lines: the project's own held-out half. */
export function loadOwnHeldOut(): LabelledRow[] {
  return loadEvalJsonl().filter((_, i) => i % 2 === 1);
}
