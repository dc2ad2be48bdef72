// Running Tokenmeter and the ccusage peers on a corpus, in an isolated environment, and reading
// their `daily --json` output into one shape. Shared by bench/run.mjs and the unit tests.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOKENMETER_CLI = join(REPO_DIR, 'dist', 'cli.js');
export const CCUSAGE20_BIN = join(REPO_DIR, 'node_modules', '.bin', 'ccusage');
export const PEERS_DIR = join(REPO_DIR, 'bench', '.peers');
export const CCUSAGE17_BIN = join(PEERS_DIR, 'node_modules', '.bin', 'ccusage');
export const CCUSAGE17_VERSION = '17.2.1';

const KINDS = ['inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'totalTokens'];

/**
 * Environment that makes every tool read only the given folders: an empty HOME (no ~/.claude,
 * ~/.codex or other agents' folders), UTC, no colours, Tokenmeter's index in `cacheDir`.
 * @param {{ claudeDirs: string[], codexDir: string, home: string, cacheDir?: string }} o
 */
export function isolatedEnv({ claudeDirs, codexDir, home, cacheDir }) {
  mkdirSync(home, { recursive: true });
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    CLAUDE_CONFIG_DIR: claudeDirs.join(','),
    CODEX_HOME: codexDir,
    TZ: 'UTC',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
  };
  if (cacheDir) env.TOKENMETER_CACHE_DIR = cacheDir;
  return env;
}

/** Runs a command that prints JSON; throws with its stderr when it fails. */
export function runJson(command, args, env) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

export const tools = {
  tokenmeter: { label: 'tokenmeter', command: process.execPath, args: [TOKENMETER_CLI, 'daily', '--json', '--timezone', 'UTC'] },
  ccusage20: { label: 'ccusage 20.0.24', command: CCUSAGE20_BIN, args: ['daily', '--json', '--offline', '--timezone', 'UTC'] },
  ccusage17: { label: `ccusage ${CCUSAGE17_VERSION}`, command: CCUSAGE17_BIN, args: ['daily', '--json', '--offline', '--timezone', 'UTC'] },
};

/** Installs ccusage 17 into bench/.peers (its own prefix, not the project's node_modules) when missing. */
export function ensureCcusage17(log = () => {}) {
  if (existsSync(CCUSAGE17_BIN)) return CCUSAGE17_BIN;
  log(`installing ccusage@${CCUSAGE17_VERSION} into ${PEERS_DIR}`);
  mkdirSync(PEERS_DIR, { recursive: true });
  execFileSync('npm', ['i', '--prefix', PEERS_DIR, `ccusage@${CCUSAGE17_VERSION}`, '--no-audit', '--no-fund', '--no-save'], { stdio: 'inherit' });
  return CCUSAGE17_BIN;
}

/**
 * `daily --json` of Tokenmeter, ccusage 20 (rows keyed `period`) or ccusage 17 (`date`) =>
 * { days: { [YYYY-MM-DD]: { ...token kinds, costUsd, models: { [name]: { ...kinds, costUsd } } } }, totals }.
 */
export function normalizeDaily(report) {
  const days = {};
  const totals = { ...zero(), costUsd: 0 };
  // Also reads `monthly --json` (rows keyed `month` or `period`) and `weekly --json`.
  for (const row of report.daily ?? report.monthly ?? report.weekly ?? []) {
    const day = row.date ?? row.month ?? row.week ?? row.period;
    const d = { ...zero(), costUsd: row.totalCost ?? 0, models: {} };
    for (const k of KINDS) d[k] = row[k] ?? 0;
    for (const m of row.modelBreakdowns ?? []) {
      const mm = { ...zero(), costUsd: m.cost ?? 0 };
      for (const k of KINDS) mm[k] = m[k] ?? 0;
      mm.totalTokens = mm.inputTokens + mm.outputTokens + mm.cacheCreationTokens + mm.cacheReadTokens;
      d.models[m.modelName] = mm;
    }
    days[day] = d;
    for (const k of KINDS) totals[k] += d[k];
    totals.costUsd += d.costUsd;
  }
  return { days, totals };
}

function zero() {
  return { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0 };
}

/**
 * The generator's expected.json in the same shape (tokens only; cost is not part of the ground truth).
 * Codex rows: input excludes cached input, which is reported as cache reads (as both tools do).
 * @param {{ claude: any, codex: any }} truth  @param {{ codex?: boolean }} opts
 */
export function expectedDaily(truth, { codex = true } = {}) {
  const days = {};
  const totals = zero();
  const add = (day, model, t) => {
    const d = (days[day] ??= { ...zero(), models: {} });
    const m = (d.models[model] ??= zero());
    for (const k of KINDS) {
      d[k] += t[k];
      m[k] += t[k];
      totals[k] += t[k];
    }
  };
  for (const [day, row] of Object.entries(truth.claude.byDay)) {
    for (const [model, t] of Object.entries(row.byModel)) add(day, model, t);
  }
  if (codex) {
    for (const [day, row] of Object.entries(truth.codex.byDay)) {
      for (const [model, t] of Object.entries(row.byModel)) {
        add(day, model, { inputTokens: t.inputTokens - t.cachedInputTokens, outputTokens: t.outputTokens, cacheCreationTokens: 0, cacheReadTokens: t.cachedInputTokens, totalTokens: t.totalTokens });
      }
    }
  }
  return { days, totals };
}

/**
 * Differences between two normalized reports: tokens must be equal per day and model, cost within
 * `costRelTolerance` (relative, per day) when both have a cost. Returns human-readable lines.
 */
export function diffDaily(a, b, { costRelTolerance = 0.001, compareCost = true, labels = ['a', 'b'] } = {}) {
  const out = [];
  const days = new Set([...Object.keys(a.days), ...Object.keys(b.days)]);
  for (const day of [...days].sort()) {
    const x = a.days[day];
    const y = b.days[day];
    if (!x || !y) {
      out.push(`${day}: only in ${x ? labels[0] : labels[1]}`);
      continue;
    }
    for (const k of KINDS) if (x[k] !== y[k]) out.push(`${day} ${k}: ${labels[0]} ${x[k]} vs ${labels[1]} ${y[k]}`);
    const models = new Set([...Object.keys(x.models), ...Object.keys(y.models)]);
    for (const model of models) {
      const mx = x.models[model];
      const my = y.models[model];
      if (!mx || !my) {
        out.push(`${day} ${model}: only in ${mx ? labels[0] : labels[1]}`);
        continue;
      }
      for (const k of KINDS) if (mx[k] !== my[k]) out.push(`${day} ${model} ${k}: ${labels[0]} ${mx[k]} vs ${labels[1]} ${my[k]}`);
    }
    if (compareCost && x.costUsd !== undefined && y.costUsd !== undefined) {
      const scale = Math.max(Math.abs(x.costUsd), Math.abs(y.costUsd));
      if (scale > 0 && Math.abs(x.costUsd - y.costUsd) / scale > costRelTolerance) out.push(`${day} cost: ${labels[0]} ${x.costUsd} vs ${labels[1]} ${y.costUsd}`);
    }
  }
  return out;
}
