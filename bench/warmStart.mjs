#!/usr/bin/env node
// Warm start of the extension's engine, outside VS Code: how long from loading the engine code to
// the first status-bar number, with the persisted index already written (a second VS Code start).
// The UsageService is bundled as the extension bundles it, with a stand-in `vscode` module.
// Usage: npm run build && node bench/warmStart.mjs [--claude DIR] [--codex DIR] [--reps 5] [--repo OTHER_CHECKOUT]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { separateBundles } from '../esbuild.plugins.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
// --repo: another built checkout's service (an A/B with the same bench).
const repoRoot = path.resolve(arg('--repo', path.join(path.dirname(fileURLToPath(import.meta.url)), '..')));
const claudeDir = path.resolve(arg('--claude', path.join(repoRoot, 'bench', '.corpus', 'large', 'claude')));
const codexDir = path.resolve(arg('--codex', path.join(repoRoot, 'bench', '.corpus', 'large', 'codex')));
const reps = Number(arg('--reps', 5));

const work = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-warm-'));
const bundle = path.join(work, 'service.js');
// The child: a stand-in vscode module, then the real UsageService, timed from the moment its code loads.
const runner = `
const started = performance.now();
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (r, ...rest) { return r === 'vscode' ? 'vscode' : resolve.call(this, r, ...rest); };
class EventEmitter { listeners = []; event = (l) => { this.listeners.push(l); return { dispose() {} }; }; fire(v) { for (const l of this.listeners) l(v); } dispose() {} }
Module._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: { EventEmitter } };
const { UsageService } = require(${JSON.stringify(bundle)});
const { defaultSettings } = require(${JSON.stringify(path.join(work, 'defaults.js'))});
const loaded = performance.now();
const service = new UsageService(defaultSettings, () => {});
service.onDidChange((state) => {
  if (state.kind !== 'ready') return;
  process.stdout.write(JSON.stringify({ loadMs: loaded - started, firstNumberMs: performance.now() - started, requests: service.scanner.ledger.size, todayUsd: state.estimatedSpend.today.totalCost, monthUsd: state.estimatedSpend.month.totalCost }) + '\\n');
  process.exit(0);
});
void service.start();
`;
// As the extension bundles it: the price data, tokenizer and zod are dist/'s own bundles, loaded when first used,
// and dist/prices.json sits beside the service (the status rollup names the price data by that file).
await esbuild.build({ entryPoints: [path.join(repoRoot, 'src', 'ui', 'usageService.ts')], bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], outfile: bundle, logLevel: 'error', plugins: [separateBundles(path.join(repoRoot, 'dist'))] });
symlinkSync(path.join(repoRoot, 'dist', 'prices.json'), path.join(work, 'prices.json'));
await esbuild.build({ entryPoints: [path.join(repoRoot, 'src', 'core', 'defaultSettings.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(work, 'defaults.js'), logLevel: 'error' });
writeFileSync(path.join(work, 'runner.js'), runner);

const env = { ...process.env, CLAUDE_CONFIG_DIR: claudeDir, CODEX_HOME: codexDir, TOKENMETER_CACHE_DIR: path.join(work, 'cache') };
const run = () => JSON.parse(execFileSync(process.execPath, [path.join(work, 'runner.js')], { env, encoding: 'utf8' }).trim().split('\n').pop());
try {
  // The first VS Code start: the CLI writes the same shared index the extension would.
  execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'status', '--json'], { env, stdio: 'ignore' });
  const warm = Array.from({ length: reps }, run);
  const firsts = warm.map((w) => w.firstNumberMs).sort((a, b) => a - b);
  console.log(`corpus: ${claudeDir} + ${codexDir}; ${warm[0].requests} requests`);
  console.log(`warm (index): first number after min ${firsts[0].toFixed(0)} ms, median ${firsts[Math.floor(firsts.length / 2)].toFixed(0)} ms (code load ${warm[0].loadMs.toFixed(0)} ms); ${reps} reps`);
  // The numbers (words are the formatter's, outside this service): the same in every run.
  console.log(`first numbers: today $${warm[0].todayUsd.toFixed(2)}, month $${warm[0].monthUsd.toFixed(2)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
