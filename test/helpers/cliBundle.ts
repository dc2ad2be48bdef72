// The CLI as users run it (dist/cli.js and the command bundles it loads), built out of the sources under test once
// per test process. Tests that need the command itself run this bundle, not `node --import tsx src/cli.ts`: a run
// costs ~0.15 s of CPU instead of ~0.7 s (tsx's loader and every source file compiled again in each child).
import { spawn } from 'node:child_process';
import { promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const repo = path.resolve(__dirname, '..', '..');

/**
 * dist/cli.js and the command bundles it loads (dist/cli/<name>.js), laid out as esbuild.config.mjs
 * does: zod, prices and the tokenizer in bundles of their own that the commands require.
 */
export async function buildCli(outDir: string, commands = ['mcp', 'status', 'estimate', 'route', 'alerts', 'reports']): Promise<string> {
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', external: ['vscode'], logLevel: 'error' as const };
  const { asciiOutput, compactPriceData, pricesModule, separateBundles, tokenizerModule, withoutAjv } = await import('../../esbuild.plugins.mjs');
  // The tokenizer's tables (4 MB) only for the commands that count tokens.
  const separate: Record<string, string> = { zod: 'zod', prices: pricesModule, ...(commands.includes('estimate') ? { tokenizer: tokenizerModule } : {}) };
  await Promise.all([
    esbuild.build({ ...common, entryPoints: { cli: path.join(repo, 'src', 'cli.ts'), scanWorkerThread: path.join(repo, 'src', 'sources', 'scanWorkerThread.ts') }, outdir: outDir }),
    esbuild.build({ ...common, entryPoints: Object.fromEntries([...commands, 'scanAhead'].map((c) => [`cli/${c}`, path.join(repo, 'src', 'cli', `${c}.ts`)])), outdir: outDir, plugins: [separateBundles('..'), withoutAjv, asciiOutput] }),
    ...Object.entries(separate).map(([name, module]) =>
      esbuild.build({ ...common, stdin: { contents: `module.exports = require('${module}');`, resolveDir: repo, loader: 'js' }, outfile: path.join(outDir, `${name}.js`), plugins: name === 'prices' ? [compactPriceData(path.join(outDir, 'prices.json'))] : name === 'zod' ? [asciiOutput] : [] })),
  ]);
  // The server reports package.json's version from two folders above its bundle; the display languages' words are
  // read from l10n/ beside dist/ (sources/phraseFiles.ts), as in the package.
  await fs.copyFile(path.join(repo, 'package.json'), path.join(outDir, '..', 'package.json'));
  await fs.symlink(path.join(repo, 'l10n'), path.join(outDir, '..', 'l10n'), 'dir');
  return path.join(outDir, 'cli.js');
}

const shared = new Map<string, Promise<string>>();

/** `buildCli` for these commands, once per test process (removed when it exits). */
export function sharedCli(commands = ['mcp', 'status', 'estimate', 'route', 'alerts', 'reports']): Promise<string> {
  const key = commands.join(',');
  if (!shared.has(key)) {
    shared.set(key, (async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-cli-bundle-'));
      process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
      return buildCli(path.join(dir, 'dist'), commands);
    })());
  }
  return shared.get(key)!;
}

/**
 * The commands the unit suite runs (`daily` and the other reports, `status`, `mcp`): one bundle for every file of
 * the suite, built once per mocha process.
 */
export const unitCommands = ['mcp', 'reports', 'status', 'statusline'];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One CLI command to completion. */
export function runCli(cliJs: string, args: string[], env: Record<string, string>, input = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliJs, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
