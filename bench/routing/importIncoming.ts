// Copies labelled tuning rows written by independent data helpers (who saw only the label definitions,
// /work/incoming/LABELS.md, never src/ or bench/) into bench/routing/tune/indep-<author>-<n>.tsv. Every row
// is validated (lang<TAB>tier<TAB>kind<TAB>contextTokens<TAB>prompt: known language, tier and kind, integer
// context, a prompt); rows are copied unchanged. A row that fails, or repeats a prompt already in the tuning
// set or in any evaluation set (exactly, up to case and spacing), is dropped, counted and left as a
// comment line with its line number. Each file gets a provenance comment with its source's sha256.
// Session 4 layout: /work/incoming/routing/mixed-data<X>-<n>.tsv. Session 6: /work/incoming/routing-tune/
// data<X>/<file>.tsv (files in name order become indep-data<X>-1.tsv, -2, …). Session 7: `--authors=F,G` imports
// only those folders (earlier authors' files stay as they are), and each folder's README.md is copied unchanged
// to tune/indep-data<X>.README.md; every source file's sha256 is printed (and kept in each file's first line).
// Session 9: `--recheck=SET.jsonl,NAME` drops tuning rows that repeat a newly copied evaluation set's prompts.
// Session 13: `--recheck-frozen` names the rows of the frozen tuned-on held-out sets (the first, tenth, eleventh) whose
// prompts an evaluation set on disk also has (file and id only), for tuneSet.ts's notTuning lists. Session 14: the
// twelfth and thirteenth sets are frozen tuning files too (session 14b: the fourteenth and fifteenth as well; session 15: the sixteenth; session 16: the seventeenth; session 17: the eighteenth; session 18: the nineteenth) (tuneSet.ts tunedHeldOutSets: both commands read that list).
// Run: npx tsx bench/routing/importIncoming.ts [sourceRoot] [--session=7] [--authors=F,G] | --recheck=FILE,NAME | --recheck-frozen
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluationSetPath, evaluationSets } from './heldOut';
import { tuneFileAuthor, tunedHeldOutPath, tunedHeldOutSets } from './tuneSet';

const languages = new Set(['en', 'zh', 'ja', 'ko', 'de', 'fr', 'es', 'pt', 'ru']);
const tiers = new Set(['small', 'medium', 'large']);
const kinds = new Set(['completion', 'rename', 'edit', 'docstring', 'question', 'test', 'docs', 'review', 'bugfix', 'refactor', 'feature', 'architecture', 'other']);
const tuneDir = join(__dirname, 'tune');
const normalized = (prompt: string): string => prompt.replace(/\\n/g, '\n').trim().toLowerCase().replace(/\s+/g, ' ');

/** Prompts the new rows must not repeat: tuning rows of other sources and every evaluation set on disk. */
function knownPrompts(except: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>();
  for (const file of readdirSync(tuneDir).filter((f) => f.endsWith('.tsv'))) {
    const author = tuneFileAuthor(file);
    if (except.has(author)) continue;
    for (const line of readFileSync(join(tuneDir, file), 'utf8').split('\n')) if (line.trim() && !line.startsWith('#')) seen.add(normalized(line.split('\t').pop()!));
  }
  const jsonl = [join(__dirname, 'eval.jsonl'), join(__dirname, '../eval-independent/routing/heldout.jsonl'), ...tunedHeldOutSets.map(tunedHeldOutPath), ...evaluationSets.map(evaluationSetPath)];
  for (const f of jsonl.filter(existsSync)) {
    for (const line of readFileSync(f, 'utf8').split('\n')) if (line.trim()) seen.add(normalized((JSON.parse(line) as { prompt: string }).prompt));
  }
  return seen;
}

/** Validates and copies one helper's files; returns counts. */
function importAuthor(author: string, files: { path: string; name: string }[], session: string, seen: Set<string>): { kept: number; repeats: number; invalid: number } {
  let kept = 0, repeats = 0, invalid = 0;
  files.forEach((file, n) => {
    const bytes = readFileSync(file.path);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const out = [`# Written by independent data helper ${author.slice(4)} (session ${session}), who saw only the label definitions; copied unchanged from ${file.path} (sha256 ${sha}).`];
    bytes.toString('utf8').split('\n').forEach((line, i) => {
      if (!line.trim() || line.startsWith('#')) return;
      const [lang, tier, kind, ctx, prompt, ...extra] = line.replace(/\r$/, '').split('\t');
      if (extra.length > 0 || !languages.has(lang) || !tiers.has(tier) || !kinds.has(kind) || !/^\d+$/.test(ctx ?? '') || !prompt?.trim()) {
        invalid++;
        out.push(`# not lang<TAB>tier<TAB>kind<TAB>contextTokens<TAB>prompt, dropped: line ${i + 1}`);
        console.warn(`${file.path}:${i + 1}: invalid row: ${line.slice(0, 80)}`);
        return;
      }
      if (seen.has(normalized(prompt))) {
        repeats++;
        out.push(`# repeat of an earlier row, dropped: line ${i + 1}`);
        return;
      }
      seen.add(normalized(prompt));
      out.push(line.replace(/\r$/, ''));
      kept++;
    });
    writeFileSync(join(tuneDir, `indep-${author}-${n + 1}.tsv`), `${out.join('\n')}\n`);
  });
  return { kept, repeats, invalid };
}

/**
 * `--recheck=PATH,NAME`: after an evaluation set is copied in (and only then), turns every tuning row whose prompt
 * is also one of its prompts into a comment line naming the set; prints file and line only, never the prompt, so the
 * set's text is not read by whoever runs it. Returns how many rows went.
 */
function dropEvaluationRepeats(setPath: string, setName: string): number {
  const evalPrompts = new Set(readFileSync(setPath, 'utf8').split('\n').filter((l) => l.trim()).map((l) => normalized((JSON.parse(l) as { prompt: string }).prompt)));
  let dropped = 0;
  for (const file of readdirSync(tuneDir).filter((f) => f.endsWith('.tsv')).sort()) {
    const lines = readFileSync(join(tuneDir, file), 'utf8').split('\n');
    let changed = false;
    const out = lines.map((line, i) => {
      if (!line.trim() || line.startsWith('#') || !evalPrompts.has(normalized(line.split('\t').pop()!))) return line;
      changed = true;
      dropped++;
      console.log(`${file}:${i + 1}: also a prompt of ${setName}, dropped from tuning`);
      return `# also a prompt of ${setName}, dropped from tuning: line ${i + 1}`;
    });
    if (changed) writeFileSync(join(tuneDir, file), out.join('\n'));
  }
  // The first and the tenth to nineteenth sets are tuning data but frozen (sha256 checked): their repeats are named here
  // and left out in tuneSet.ts; so are eval.jsonl's tuning lines (session 16: this check was missing).
  frozenTuningRepeats(evalPrompts, setName);
  readFileSync(join(__dirname, 'eval.jsonl'), 'utf8').split('\n').forEach((l, i) => {
    if (i % 2 !== 0 || !l.trim() || !evalPrompts.has(normalized((JSON.parse(l) as { prompt: string }).prompt))) return;
    console.log(`eval.jsonl line ${i + 1} (tuning half): also a prompt of ${setName}; add it to tuneSet.ts evalTuningNotTuning`);
  });
  return dropped;
}

/** Frozen tuning files (path, the tuneSet.ts list their repeats go to). */
const frozenTuningFiles = (): { path: string; list: string }[] => [
  { path: join(__dirname, '../eval-independent/routing/heldout.jsonl'), list: 'firstHeldOutNotTuning' },
  ...tunedHeldOutSets.map((set) => ({ path: tunedHeldOutPath(set), list: `tunedHeldOutSets ${set.author} notTuning` })),
];

/** Prints (file and id only) every frozen tuning row whose prompt is one of `evalPrompts`; returns how many. */
function frozenTuningRepeats(evalPrompts: ReadonlySet<string>, setName: string): number {
  let found = 0;
  for (const { path, list } of frozenTuningFiles()) {
    readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).forEach((l) => {
      const r = JSON.parse(l) as { id: string; prompt: string };
      if (!evalPrompts.has(normalized(r.prompt))) return;
      found++;
      console.log(`${path.replace(/^.*eval-independent\//, 'eval-independent/')} ${r.id}: also a prompt of ${setName}; add it to tuneSet.ts ${list}`);
    });
  }
  return found;
}

/** `--recheck-frozen`: the frozen tuning files against every evaluation set on disk (eval.jsonl's odd lines, heldOut.ts evaluationSets). */
function recheckFrozen(): void {
  const promptsOf = (path: string, keep: (i: number) => boolean = () => true): Set<string> =>
    new Set(readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).filter((_, i) => keep(i)).map((l) => normalized((JSON.parse(l) as { prompt: string }).prompt)));
  let found = frozenTuningRepeats(promptsOf(join(__dirname, 'eval.jsonl'), (i) => i % 2 === 1), 'eval.jsonl (odd lines)');
  for (const set of evaluationSets) if (existsSync(evaluationSetPath(set))) found += frozenTuningRepeats(promptsOf(evaluationSetPath(set)), set.file);
  console.log(`${found} frozen tuning rows repeat an evaluation prompt`);
}

function main(): void {
  if (process.argv.includes('--recheck-frozen')) { recheckFrozen(); return; }
  const recheck = process.argv.find((a) => a.startsWith('--recheck='))?.split('=')[1];
  if (recheck) {
    const [path, ...name] = recheck.split(',');
    console.log(`dropped ${dropEvaluationRepeats(path, name.join(','))} tuning rows`);
    return;
  }
  const source = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '/work/incoming/routing-tune';
  const session = process.argv.find((a) => a.startsWith('--session='))?.split('=')[1] ?? '6';
  const byAuthor = new Map<string, { path: string; name: string }[]>();
  for (const entry of readdirSync(source).sort()) {
    const path = join(source, entry);
    const dir = /^data([A-Z]{1,2})$/.exec(entry);
    if (dir && statSync(path).isDirectory()) {
      byAuthor.set(entry, readdirSync(path).filter((f) => f.endsWith('.tsv')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((name) => ({ path: join(path, name), name })));
    }
    const flat = /^mixed-(data[A-Z]{1,2})-\d+\.tsv$/.exec(entry);
    if (flat) byAuthor.set(flat[1], [...(byAuthor.get(flat[1]) ?? []), { path, name: entry }]);
  }
  const only = process.argv.find((a) => a.startsWith('--authors='))?.split('=')[1]?.split(',').map((x) => `data${x}`);
  if (only) for (const author of [...byAuthor.keys()]) if (!only.includes(author)) byAuthor.delete(author);
  const seen = knownPrompts(new Set(byAuthor.keys()));
  for (const [author, files] of byAuthor) {
    const c = importAuthor(author, files, session, seen);
    console.log(`${author}: ${files.length} files, kept ${c.kept} rows, dropped ${c.repeats} repeats and ${c.invalid} invalid rows`);
    for (const f of files) console.log(`  ${createHash('sha256').update(readFileSync(f.path)).digest('hex')}  ${f.path}`);
    const readme = join(source, author, 'README.md');
    if (existsSync(readme)) {
      copyFileSync(readme, join(tuneDir, `indep-${author}.README.md`));
      console.log(`  ${createHash('sha256').update(readFileSync(readme)).digest('hex')}  ${readme} (copied unchanged)`);
    }
  }
}

if (require.main === module) main();
