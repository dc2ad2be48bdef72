// Copies labelled tuning rows written by independent data helpers (/work/incoming/routing/mixed-data*.tsv,
// who saw only the label definitions, never src/ or bench/) into bench/routing/tune/indep-*.tsv: every row is
// validated (5 columns, known language, tier and kind, integer context), exact repeats of a row already in the
// tuning set are dropped and counted, and each file gets a provenance comment. Nothing is edited.
// Run: npx tsx bench/routing/importIncoming.ts [dir]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const languages = new Set(['en', 'zh', 'ja', 'ko', 'de', 'fr', 'es', 'pt', 'ru']);
const tiers = new Set(['small', 'medium', 'large']);
const kinds = new Set(['completion', 'rename', 'edit', 'docstring', 'question', 'test', 'docs', 'review', 'bugfix', 'refactor', 'feature', 'architecture', 'other']);
const tuneDir = join(__dirname, 'tune');
const normalized = (prompt: string): string => prompt.trim().toLowerCase().replace(/\s+/g, ' ');

function main(): void {
  const source = process.argv[2] ?? '/work/incoming/routing';
  const seen = new Set<string>();
  for (const file of readdirSync(tuneDir).filter((f) => f.endsWith('.tsv') && !f.startsWith('indep-'))) {
    for (const line of readFileSync(join(tuneDir, file), 'utf8').split('\n')) if (line.trim() && !line.startsWith('#')) seen.add(normalized(line.split('\t').pop()!));
  }
  let kept = 0, repeats = 0;
  for (const file of readdirSync(source).filter((f) => /^mixed-data[A-Z]-\d+\.tsv$/.test(f)).sort()) {
    const out: string[] = [`# Written by independent data helper ${/data([A-Z])/.exec(file)![1]} (session 4), who saw only the label definitions; copied from /work/incoming/routing/${file}.`];
    readFileSync(join(source, file), 'utf8').split('\n').forEach((line, i) => {
      if (!line.trim() || line.startsWith('#')) return;
      const [lang, tier, kind, ctx, prompt, ...extra] = line.split('\t');
      if (extra.length > 0 || !languages.has(lang) || !tiers.has(tier) || !kinds.has(kind) || !/^\d+$/.test(ctx ?? '') || !prompt?.trim()) {
        throw new Error(`${file}:${i + 1}: not lang<TAB>tier<TAB>kind<TAB>contextTokens<TAB>prompt`);
      }
      if (seen.has(normalized(prompt))) {
        repeats++;
        out.push(`# repeat of an earlier row, dropped: line ${i + 1}`);
        return;
      }
      seen.add(normalized(prompt));
      out.push(line);
      kept++;
    });
    writeFileSync(join(tuneDir, `indep-${file.replace(/^mixed-/, '')}`), `${out.join('\n')}\n`);
  }
  console.log(`kept ${kept} rows, dropped ${repeats} repeats`);
}

if (require.main === module) main();
