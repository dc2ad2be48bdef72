// Replays real public Claude Code transcripts through `tokenmeter alerts --replay --json`: they must stay silent.
// Source: marot/spotter `test/fixtures/transcripts/` (MIT), read from a local git mirror at bench time (not vendored).
// Run: npm run build && node bench/runaway/realTranscripts.mjs [--mirror DIR] [-- extra alerts flags]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const mirror = opt('--mirror', '/work/.mirror/marot+spotter/repo');
const extra = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];
const git = (...a) => execFileSync('git', ['-C', mirror, ...a], { encoding: 'utf8', maxBuffer: 1 << 30 });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-real-'));
const project = path.join(dir, 'claude', 'projects', '-home-user-spotter');
let toolCalls = 0;
let toolResults = 0;
let files = 0;
const missing = [];
for (const file of git('ls-tree', '-r', '--name-only', 'HEAD', 'test/fixtures/transcripts').split('\n').filter((f) => f.endsWith('.jsonl'))) {
  const rel = file.slice('test/fixtures/transcripts/'.length);
  let text;
  try {
    text = execFileSync('git', ['-C', mirror, 'show', `HEAD:${file}`], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    missing.push(rel); // the snapshot lists it but lacks its blob
    continue;
  }
  toolCalls += (text.match(/"type":"tool_use"/g) ?? []).length;
  toolResults += (text.match(/"type":"tool_result"/g) ?? []).length;
  fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
  fs.writeFileSync(path.join(project, rel), text);
  files++;
}
fs.mkdirSync(path.join(dir, 'codex'), { recursive: true });
const env = { ...process.env, CLAUDE_CONFIG_DIR: path.join(dir, 'claude'), CODEX_HOME: path.join(dir, 'codex'), HOME: dir, TOKENMETER_SETTINGS: '', TOKENMETER_NO_INDEX: '1' };
for (const k of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'OPENCODE_HOME', 'GEMINI_HOME']) delete env[k];
const run = (...a) => execFileSync(process.execPath, [path.join(repo, 'dist/cli.js'), ...a], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
const alerts = JSON.parse(run('alerts', '--replay', '--json', '--timezone', 'UTC', ...extra)).alerts;
console.log(`marot/spotter ${git('rev-parse', '--short', 'HEAD').trim()}: ${files} transcripts (${missing.length} listed but missing from the snapshot), ${toolCalls} tool_use blocks, ${toolResults} tool_result blocks; ` +
  `alerts --replay ${extra.join(' ') || '(default settings)'}: ${alerts.length} alert(s)`);
for (const a of alerts) console.log(`  ${a.firedAt} ${a.kind} ${a.message.slice(0, 160)}`);
fs.rmSync(dir, { recursive: true, force: true });
