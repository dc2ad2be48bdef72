// Scores `tokenmeter alerts --replay --json` (default settings) on histories from the independent
// generator (bench/eval-independent/runaway/, written without seeing the detector). Reads only the
// generator's output (the transcripts and truth.json), never its code.
// Run: npm run build && node bench/runaway/independent.mjs [--seeds 1000-1009] [--profiles light,medium,heavy] [--out /tmp/dir] [-- extra alerts flags]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const [lo, hi] = opt('--seeds', '1000-1009').split('-').map(Number);
const profiles = opt('--profiles', 'light,medium,heavy').split(',');
const out = opt('--out', '/tmp/tokenmeter-eval-independent');
const extra = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];
const generator = path.join(repo, 'bench/eval-independent/runaway/generate.mjs');
const limitMs = 10 * 60_000;

function replay(dir) {
  const env = { ...process.env, CLAUDE_CONFIG_DIR: dir, CODEX_HOME: path.join(dir, 'no-codex'), HOME: dir, TOKENMETER_SETTINGS: '', TOKENMETER_NO_INDEX: '1' };
  for (const k of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'OPENCODE_HOME', 'GEMINI_HOME']) delete env[k];
  const text = execFileSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'alerts', '--replay', '--json', '--timezone', 'UTC', ...extra], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(text).alerts;
}

const rows = [];
for (const profile of profiles) {
  const t = { alerts: 0, trueAlerts: 0, planted: 0, caught: 0, delays: [], leads: [], leadLines: [], falses: [], missed: [], byShape: {} };
  for (let seed = lo; seed <= hi; seed++) {
    const dir = path.join(out, `${profile}-${seed}`);
    if (!fs.existsSync(path.join(dir, 'truth.json'))) execFileSync(process.execPath, [generator, '--profile', profile, '--seed', String(seed), '--days', '14', '--out', dir], { stdio: 'ignore' });
    const truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8'));
    const alerts = replay(dir);
    const runaways = new Map(truth.runaways.map((r) => [r.sessionId, r]));
    for (const a of alerts) {
      t.alerts++;
      const r = runaways.get(a.sessionId);
      if (r && Date.parse(a.firedAt) >= Date.parse(r.startedAt)) t.trueAlerts++;
      else t.falses.push(`seed ${seed} ${a.kind} ${a.sessionId.slice(0, 8)} ${a.firedAt} ${a.message.slice(0, 140)}`);
    }
    for (const r of truth.runaways) {
      t.planted++;
      const shape = (t.byShape[r.shape] ??= { planted: 0, caught: 0, delays: [] });
      shape.planted++;
      const first = alerts.find((a) => a.sessionId === r.sessionId && Date.parse(a.firedAt) >= Date.parse(r.startedAt));
      const delay = first ? Date.parse(first.firedAt) - Date.parse(r.sustainedAt) : Infinity;
      if (delay <= limitMs) { t.caught++; t.delays.push(delay); shape.caught++; shape.delays.push(delay); }
      else t.missed.push(`seed ${seed} ${r.shape} x${r.sustainedStats?.xNormalAll ?? '?'} ${first ? `after ${(delay / 60_000).toFixed(1)} min` : 'never'}`);
      if (first && r.usageLimitMessageAt) {
        t.leads.push(Date.parse(r.usageLimitMessageAt) - Date.parse(first.firedAt));
        t.leadLines.push(`seed ${seed} ${r.shape}: first alert ${first.firedAt} (${first.kind}), usage-limit message ${r.usageLimitMessageAt}: ${((Date.parse(r.usageLimitMessageAt) - Date.parse(first.firedAt)) / 60_000).toFixed(1)} min ahead`);
      } else if (r.usageLimitMessageAt) t.leadLines.push(`seed ${seed} ${r.shape}: usage-limit message ${r.usageLimitMessageAt} with no alert before it`);
    }
  }
  rows.push([profile, t]);
}

const fmtMin = (ms) => (ms / 60_000).toFixed(1);
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
console.log(`independent generator, seeds ${lo}-${hi}, alerts --replay with default settings ${extra.join(' ')}`);
console.log('| profile | precision | recall (≤ 10 min after sustained) | delay median | delay max | lead before usage-limit message (min / median) |');
console.log('|---|---|---|---|---|---|');
for (const [profile, t] of rows) {
  const p = t.alerts ? t.trueAlerts / t.alerts : 1;
  console.log(`| ${profile} | ${p.toFixed(3)} (${t.trueAlerts}/${t.alerts}) | ${(t.caught / t.planted).toFixed(3)} (${t.caught}/${t.planted}) | ${fmtMin(med(t.delays))} min | ${fmtMin(Math.max(...t.delays))} min | ${t.leads.length ? `${fmtMin(Math.min(...t.leads))} / ${fmtMin(med(t.leads))} min (${t.leads.length})` : '–'} |`);
}
for (const [profile, t] of rows) {
  for (const [shape, s] of Object.entries(t.byShape)) console.log(`  ${profile} ${shape}: ${s.caught}/${s.planted}, delay median ${fmtMin(med(s.delays))} min`);
  for (const f of t.falses.slice(0, 10)) console.log(`  ${profile} false alarm: ${f}`);
  for (const m of t.missed.slice(0, 10)) console.log(`  ${profile} missed: ${m}`);
  for (const l of t.leadLines) console.log(`  ${profile} lead: ${l}`);
}
