#!/usr/bin/env node
// Markdown tables from a bench/run.mjs results file (for docs/benchmarks.md):
//   node bench/report.mjs bench/.corpus/results-large.json

import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/report.mjs RESULTS.json');
  process.exit(2);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const s = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const mb = (x) => (x === null || x === undefined ? 'n/a' : `${Math.round(x)} MB`);

function rows(group, title) {
  const tm = group.tokenmeter;
  const out = [`| ${title} | reps | wall min | wall median | CPU median | peak RSS | peer median / tokenmeter median |`, '|---|---|---|---|---|---|---|'];
  for (const [key, t] of Object.entries(group)) {
    const ratio = key === 'tokenmeter' || key === 'floor' ? '' : `${(t.medianMs / tm.medianMs).toFixed(2)}×`;
    const label = key === 'floor' ? 'floor: plain Node reads every file once (1 thread)' : t.label;
    out.push(`| ${label} | ${t.reps} | ${s(t.minMs)} | ${s(t.medianMs)} | ${t.medianCpuMs === null ? 'n/a' : s(t.medianCpuMs)} | ${mb(t.peakRssMb)} | ${ratio} |`);
  }
  return out.join('\n');
}

const lines = [];
lines.push(`Corpus: ${r.corpusKind === 'real' ? 'real transcripts (replicated), ' : ''}${r.size}, ${(r.corpusBytes / 1e9).toFixed(2)} GB. Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memTotalGiB} GiB, Node ${r.machine.node}; load average at start ${r.machine.loadAvg.join(' / ')}. Finished at ${r.at}.`);
lines.push('');
lines.push(rows(r.cold, 'cold `daily --json`, Claude Code only'));
if (r.withCodex) {
  lines.push('');
  lines.push(rows(r.withCodex, 'cold `daily --json`, Claude Code + Codex'));
}
if (r.codexOnly) {
  lines.push('');
  lines.push(rows(r.codexOnly, 'cold `daily --json`, Codex only'));
}
lines.push('');
if (r.warm) lines.push(`- Warm start, \`tokenmeter status --json\` with the persisted index: min ${s(r.warm.minMs)}, median ${s(r.warm.medianMs)} (${r.warm.reps} reps), peak RSS ${mb(r.warm.peakRssMb)}; the first run, which builds the index, ${s(r.warm.coldMs)}.`);
if (r.incremental) lines.push(`- Incremental, next \`status --json\` after appending ${(r.incremental.appendedBytes / 1e6).toFixed(2)} MB to a ${(r.incremental.fileBytes / 1e6).toFixed(1)} MB file: ${s(r.incremental.wallMs)}, peak RSS ${mb(r.incremental.peakRssMb)}.`);
if (r.live) {
  lines.push(`- Live update in process (\`UsageScanner\`, ${r.live.files} files): full scan ${s(r.live.fullScanMs)} (process peak RSS ${mb(r.live.peakRssMb)}); quick refresh after appending ${r.live.appends.map((a) => `${(a.bytes / 1e6).toFixed(2)} MB → ${a.ms.toFixed(1)} ms`).join(', ')}; with nothing new: quick ${r.live.quickNoChangeMs.toFixed(1)} ms, full (list + stat every file) ${s(r.live.fullNoChangeMs)}.`);
}
lines.push(`- Checks: ${r.checks.filter((c) => c.ok).length}/${r.checks.length} passed${r.checks.every((c) => c.ok || c.soft) ? '' : ` (failed: ${r.checks.filter((c) => !c.ok && !c.soft).map((c) => c.what).join('; ')})`}.`);
for (const c of r.checks) lines.push(`  - ${c.ok ? 'ok' : c.soft ? 'note (reported, not required)' : '**FAIL**'}: ${c.what}${c.ok ? '' : ` — ${c.diff.slice(0, 2).join('; ')}`}`);
console.log(lines.join('\n'));
