#!/usr/bin/env node
// `npm test`: build, typecheck, unit tests (mocha), stress tests (`test:stress`), package (only when package.json has a `package` script),
// integration tests (real VS Code host; with the packaged .vsix too), in that order.
// Streams each stage's output, counts passed/failed across all of them and prints, as the very LAST line,
// `N passed, N failed`. A stage that fails without test counts (build, typecheck, a crashed runner) counts as one
// failure; a passing build/typecheck counts as one pass. Pending (skipped) unit tests count as failures: the team
// rule is no skipped tests. Exit code 1 when anything failed.
//
// Options: --no-integration  skip the real-VS-Code stage (counted as neither; says so) — for quick local loops.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const skipIntegration = process.argv.includes('--no-integration');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** @type {{ stage: string, passed: number, failed: number, ms: number, note: string }[]} */
const stages = [];

function say(line = '') {
  process.stdout.write(`${line}\n`);
}

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    child.on('error', (error) => {
      say(`cannot start ${cmd}: ${error.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function banner(title) {
  say(`\n━━━ ${title} ━━━`);
}

async function stage(name, fn) {
  banner(name);
  const t0 = Date.now();
  let outcome;
  try {
    outcome = await fn();
  } catch (error) {
    outcome = { passed: 0, failed: 1, note: `crashed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const ms = Date.now() - t0;
  stages.push({ stage: name, ms, ...outcome });
  say(`─── ${name}: ${outcome.passed} passed, ${outcome.failed} failed${outcome.note ? ` (${outcome.note})` : ''} in ${(ms / 1000).toFixed(1)} s`);
  return outcome;
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const started = Date.now();

const build = await stage('build (npm run build)', async () => {
  const code = await run(npm, ['run', '--silent', 'build']);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: `exit ${code}` };
});

await stage('typecheck (npm run typecheck)', async () => {
  const code = await run(npm, ['run', '--silent', 'typecheck']);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: `exit ${code}` };
});

await stage('lint (npm run lint)', async () => {
  const code = await run(npm, ['run', '--silent', 'lint']);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: `exit ${code}` };
});

await stage('unit tests (mocha)', async () => {
  const countsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-unit-')), 'counts.json');
  const mochaBin = path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const code = await run(process.execPath, [mochaBin, '--reporter', path.join(repoRoot, 'test', 'host', 'countingReporter.cjs')], {
    TOKENMETER_COUNTS_FILE: countsFile,
  });
  const counts = readJson(countsFile);
  fs.rmSync(path.dirname(countsFile), { recursive: true, force: true });
  if (!counts) return { passed: 0, failed: 1, note: `mocha exited ${code} before reporting (load error?)` };
  const notes = [];
  if (counts.pending > 0) notes.push(`${counts.pending} pending counted as failed`);
  let failed = counts.failed + counts.pending;
  if (code !== 0 && failed === 0) {
    failed = 1;
    notes.push(`mocha exited ${code}`);
  }
  if (counts.tests === 0) {
    failed += 1;
    notes.push('no unit tests ran');
  }
  return { passed: counts.passed, failed, note: notes.join('; ') };
});

// Soak, SIGKILL, fuzz and fault suites: too slow or too timing-sensitive for the one-minute `test:unit` loop, still
// run on every CI build (`npm run test:stress`).
await countedStage('stress tests (npm run test:stress)', npm, ['run', '--silent', 'test:stress', '--', '--reporter', path.join(repoRoot, 'test', 'host', 'countingReporter.cjs')]);

// When the project has a `package` script (vsce), package it and let the integration stage install that .vsix the
// way users do (the newest *.vsix in the repo root after `npm run package`).
let vsix;
const scripts = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).scripts ?? {};
if (scripts.package && !skipIntegration && build.failed === 0) {
  await stage('package (npm run package)', async () => {
    const before = Date.now();
    const code = await run(npm, ['run', '--silent', 'package']);
    if (code !== 0) return { passed: 0, failed: 1, note: `exit ${code}` };
    const fresh = fs
      .readdirSync(repoRoot)
      .filter((f) => f.endsWith('.vsix'))
      .map((f) => ({ f, mtimeMs: fs.statSync(path.join(repoRoot, f)).mtimeMs }))
      .filter((x) => x.mtimeMs >= before - 1000)
      .sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
    if (!fresh) return { passed: 0, failed: 1, note: 'no new *.vsix in the repo root' };
    vsix = path.join(repoRoot, fresh.f);
    return { passed: 1, failed: 0, note: `${fresh.f}, ${(fs.statSync(vsix).size / 1024).toFixed(0)} KB` };
  });
}

if (skipIntegration) {
  banner('integration tests: skipped (--no-integration)');
} else if (build.failed > 0) {
  await stage('integration tests (real VS Code host)', async () => ({ passed: 0, failed: 1, note: 'not run: the build failed' }));
} else {
  await stage('integration tests (real VS Code host)', async () => {
    const resultFile = path.join(repoRoot, 'test-results', 'integration.json');
    fs.rmSync(resultFile, { force: true });
    const code = await run(process.execPath, [path.join(repoRoot, 'test', 'host', 'runIntegration.mjs'), ...(vsix ? ['--vsix', vsix] : [])]);
    const result = readJson(resultFile);
    if (!result) return { passed: 0, failed: 1, note: `runner exited ${code} without results` };
    if (code !== 0 && result.failed === 0) return { passed: result.passed, failed: 1, note: `runner exited ${code}` };
    return { passed: result.passed, failed: result.failed };
  });
}

/** Runs a counted suite that writes {passed, failed} (or mocha counts) to TOKENMETER_COUNTS_FILE. */
async function countedStage(name, cmd, args) {
  return stage(name, async () => {
    const countsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-counts-')), 'counts.json');
    const code = await run(cmd, args, { TOKENMETER_COUNTS_FILE: countsFile });
    const counts = readJson(countsFile);
    fs.rmSync(path.dirname(countsFile), { recursive: true, force: true });
    if (!counts) return { passed: 0, failed: 1, note: `exited ${code} before reporting` };
    const failed = (counts.failed ?? 0) + (counts.pending ?? 0);
    return { passed: counts.passed, failed: code !== 0 && failed === 0 ? 1 : failed };
  });
}

if (!skipIntegration && build.failed === 0) {
  const mochaBin = path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
  await countedStage('dashboard page (headless Chromium)', process.execPath, [mochaBin, '--no-config', '--require', 'tsx/cjs', '--timeout', '120000', '--reporter', path.join(repoRoot, 'test', 'host', 'countingReporter.cjs'), 'test/dashboard/page.test.ts']);
  await countedStage('dashboard in the real VS Code host', process.execPath, [path.join(repoRoot, 'test', 'dashboard', 'host.mjs')]);
  await stage('notifications in the real VS Code host', async () => {
    const resultFile = path.join(repoRoot, 'test-results', 'ui-alerts.json');
    fs.rmSync(resultFile, { force: true });
    const code = await run(process.execPath, [path.join(repoRoot, 'test', 'integration', 'uiAlerts.mjs')]);
    const result = readJson(resultFile);
    if (!result) return { passed: 0, failed: 1, note: `exited ${code} without results` };
    return { passed: result.passed, failed: code !== 0 && result.failed === 0 ? 1 : result.failed };
  });
}

const passed = stages.reduce((n, s) => n + s.passed, 0);
const failed = stages.reduce((n, s) => n + s.failed, 0);
banner(`summary (${((Date.now() - started) / 1000).toFixed(1)} s)`);
for (const s of stages) {
  say(`${s.failed ? '✗' : '✓'} ${s.stage.padEnd(40)} ${String(s.passed).padStart(4)} passed ${String(s.failed).padStart(3)} failed  ${(s.ms / 1000).toFixed(1).padStart(6)} s${s.note ? `  ${s.note}` : ''}`);
}
say(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
