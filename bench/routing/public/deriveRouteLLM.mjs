// Derives two labelled routing sets from lm-sys/RouteLLM (Apache-2.0; see NOTICE.md), keeping only
// each prompt and whether the weak model (Mixtral-8x7B-Instruct) did as well as the strong one
// (GPT-4-1106-preview). Prompts listed in RouteLLM's contaminated_prompts.jsonl are dropped.
// Run: node bench/routing/public/deriveRouteLLM.mjs <RouteLLM git dir or checkout>
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = process.argv[2] ?? '/work/.mirror/lm-sys+RouteLLM/repo';
const here = fileURLToPath(new URL('.', import.meta.url));
const read = (path) => existsSync(join(repo, path)) ? readFileSync(join(repo, path), 'utf8') : execFileSync('git', ['--git-dir', repo, 'show', `HEAD:${path}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
const commit = existsSync(join(repo, 'HEAD')) ? execFileSync('git', ['--git-dir', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim() : 'checkout';
const jsonl = (text) => text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// MT-Bench: first-turn prompt; the weak model suffices when its GPT-4 judge score (turn 1) is at
// least the strong model's.
const mtContaminated = new Set(jsonl(read('routellm/evals/mt_bench/contaminated_prompts.jsonl')).map((r) => r.eval_prompt));
const questions = jsonl(read('routellm/evals/mt_bench/question.jsonl')).filter((q) => !mtContaminated.has(q.turns[0]) && !mtContaminated.has(q.turns[1]));
const scores = new Map();
for (const j of jsonl(read('routellm/evals/mt_bench/judgements.jsonl'))) {
  if (j.turn !== 1) continue;
  const s = scores.get(j.question_id) ?? {};
  s[j.model.includes('Mixtral') ? 'weak' : 'strong'] = j.score;
  scores.set(j.question_id, s);
}
const mt = questions.filter((q) => scores.get(q.question_id)?.weak !== undefined && scores.get(q.question_id)?.strong !== undefined).map((q) => {
  const s = scores.get(q.question_id);
  return { id: q.question_id, category: q.category, prompt: q.turns[0], weakScore: s.weak, strongScore: s.strong, weakSuffices: s.weak >= s.strong };
});

// GSM8K: the weak model suffices when it is right, or when the strong one is wrong too.
const gsmContaminated = new Set(jsonl(read('routellm/evals/gsm8k/contaminated_prompts.jsonl')).map((r) => r.eval_prompt));
const [header, ...body] = parseCsv(read('routellm/evals/gsm8k/gsm8k_responses.csv'));
const weakCol = header.indexOf('mistralai/Mixtral-8x7B-Instruct-v0.1');
const strongCol = header.indexOf('gpt-4-1106-preview');
const gsm = body.filter((r) => r.length >= 3 && r[0] && !gsmContaminated.has(r[0])).map((r, i) => {
  const weak = r[weakCol] === 'True';
  const strong = r[strongCol] === 'True';
  return { id: i, prompt: r[0], weakCorrect: weak, strongCorrect: strong, weakSuffices: weak || !strong };
});

const header1 = { source: 'lm-sys/RouteLLM', commit, licence: 'Apache-2.0', weak: 'mistralai/Mixtral-8x7B-Instruct-v0.1', strong: 'gpt-4-1106-preview' };
writeFileSync(join(here, 'routellm-mtbench.jsonl'), [JSON.stringify({ ...header1, set: 'mt_bench', rows: mt.length }), ...mt.map((r) => JSON.stringify(r))].join('\n') + '\n');
writeFileSync(join(here, 'routellm-gsm8k.jsonl'), [JSON.stringify({ ...header1, set: 'gsm8k', rows: gsm.length }), ...gsm.map((r) => JSON.stringify(r))].join('\n') + '\n');
console.log(`mt_bench: ${mt.length} prompts (${mt.filter((r) => r.weakSuffices).length} weak suffices); gsm8k: ${gsm.length} prompts (${gsm.filter((r) => r.weakSuffices).length} weak suffices); dropped ${mtContaminated.size} + ${gsmContaminated.size} contaminated`);
