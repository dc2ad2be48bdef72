// One script for every bundle: `node esbuild.config.mjs [--watch] [--production]`.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { asciiOutput, compactPriceData, priceMemoModule, pricesModule, separateBundles, tokenizerModule, withoutAjv } from './esbuild.plugins.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeBundle = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's `main` is a UMD file whose relative requires esbuild cannot follow; its ES module build bundles.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

// Three dependencies are most of the code: the tokenizer's tables, the price data and zod. Each is a
// bundle of its own (dist/tokenizer.js, dist/prices.js, dist/zod.js), required only when first used,
// so the status controller and the CLI commands do not parse them before they need them (esbuild.plugins.mjs).

const cliCommands = readdirSync('src/cli').filter((f) => f.endsWith('.ts') && !['common.ts', 'args.ts', 'codeCache.ts', 'exitWhenIdle.ts'].includes(f)).map((f) => f.slice(0, -3));

const builds = [
  // The extension entry stays tiny; the status controller (zod, prices, scanner) is a second bundle it requires lazily.
  { ...nodeBundle, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', plugins: [asciiOutput] },
  // In ASCII too (the phrasebook's Chinese would make V8 hold the whole 0.66 MB source as two-byte text in the
  // extension host: 1.3 MB instead of 0.66).
  { ...nodeBundle, entryPoints: { statusController: 'src/ui/statusController.ts' }, outdir: 'dist', plugins: [separateBundles('.'), asciiOutput] },
  { ...nodeBundle, stdin: { contents: `module.exports = require('${tokenizerModule}');`, resolveDir: '.', loader: 'js' }, outfile: 'dist/tokenizer.js' },
  // The price data itself goes to dist/prices.json, read with JSON.parse (esbuild.plugins.mjs, compactPriceData).
  { ...nodeBundle, stdin: { contents: `module.exports = require('${pricesModule}');`, resolveDir: '.', loader: 'js' }, outfile: 'dist/prices.js', plugins: [compactPriceData('dist/prices.json')] },
  // zod and the commands' bundles in ASCII alone: V8 reads them as one-byte text (esbuild.plugins.mjs, asciiOnly).
  { ...nodeBundle, stdin: { contents: "module.exports = require('zod');", resolveDir: '.', loader: 'js' }, outfile: 'dist/zod.js', plugins: [asciiOutput] },
  { ...nodeBundle, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  // One bundle per CLI command, so a command parses only its own code.
  { ...nodeBundle, entryPoints: Object.fromEntries(cliCommands.map((name) => [`cli/${name}`, `src/cli/${name}.ts`])), outdir: 'dist', plugins: [separateBundles('..'), withoutAjv, asciiOutput] },
  { ...nodeBundle, entryPoints: { scanWorkerThread: 'src/sources/scanWorkerThread.ts' }, outdir: 'dist' },
  // The dashboard page: script and its imported CSS (uPlot's and ours) become dist/media/dashboard.{js,css}.
  { bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', entryPoints: { dashboard: 'media/dashboard.ts' }, outdir: 'dist/media', sourcemap: production ? false : 'linked', minify: production, logLevel: 'warning' },
];

// A production build (npm run package) starts from an empty dist/: no dev source maps or stale bundles ship.
if (production) rmSync('dist', { recursive: true, force: true });

// The WebAssembly kernels (src/wasm/, AssemblyScript): compiled to dist/*.wasm, each read at run time by its loader
// (src/sources/agents/<agent>/kernelLines.ts). Compiled again only when its source, or a file in src/wasm/shared/ that
// every kernel imports, is newer than the module.
async function buildWasm() {
  mkdirSync('dist', { recursive: true });
  const sharedNewest = Math.max(0, ...readdirSync('src/wasm/shared').map((f) => statSync(`src/wasm/shared/${f}`).mtimeMs));
  for (const name of readdirSync('src/wasm').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3))) {
    const source = `src/wasm/${name}.ts`;
    const out = `dist/${name}.wasm`;
    const built = statSync(out, { throwIfNoEntry: false });
    if (built && built.mtimeMs >= Math.max(statSync(source).mtimeMs, sharedNewest)) continue;
    const { default: asc } = await import('assemblyscript/asc');
    const { error, stderr } = await asc.main([source, '-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd', '-o', out]);
    if (error) throw new Error(`${source}: ${error.message}\n${stderr.toString()}`);
  }
}

/**
 * dist/priceMemo.js: the bundled price data's answer for every name it knows (src/core/pricing.ts, priceMemoText), so
 * that a run pricing known models does not load the price package. Made by pricing.ts itself, bundled with the
 * package as it is (not the CLI's split bundles), from the providers compactPriceData wrote to dist/prices.json.
 */
async function buildPriceMemo() {
  const script = 'dist/.priceMemoBuild.cjs';
  await esbuild.build({ ...nodeBundle, sourcemap: false, minify: false, entryPoints: ['src/core/pricing.ts'], outfile: script, external: ['vscode', priceMemoModule] });
  try {
    const { priceMemoText } = createRequire(import.meta.url)(resolve(script));
    const text = priceMemoText(JSON.parse(readFileSync('dist/prices.json', 'utf8')));
    // In ASCII (one-byte text for V8), as the other bundles.
    writeFileSync('dist/priceMemo.js', `module.exports = ${JSON.stringify(text).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)};\n`);
  } finally {
    rmSync(script, { force: true });
  }
}

if (watch) {
  await buildWasm();
  // The lines .vscode/tasks.json's background problem matcher waits for (beginsPattern / endsPattern).
  let pending = 0;
  const announce = {
    name: 'announce-rebuilds',
    setup(build) {
      build.onStart(() => {
        if (pending++ === 0) console.log('[watch] build started');
      });
      build.onEnd(() => {
        if (--pending === 0) console.log('[watch] build finished');
      });
    },
  };
  for (const options of builds) await (await esbuild.context({ ...options, plugins: [...(options.plugins ?? []), announce] })).watch();
} else {
  await Promise.all([...builds.map((options) => esbuild.build(options)), buildWasm()]);
}
await buildPriceMemo();
