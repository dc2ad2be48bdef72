#!/usr/bin/env node
// Activation cost of the built extension, outside VS Code: a stand-in `vscode` module records what
// activate() registers, and we time (1) loading dist/extension.js + activate() — what VS Code waits
// for — and (2) loading the engine bundle that activate() schedules right after.
// Usage: npm run build && node bench/activation.mjs [--reps 20]
import { createRequire } from 'node:module';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reps = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 20;
const require = createRequire(import.meta.url);
const Module = require('node:module');

const disposable = { dispose() {} };
const event = () => disposable;
const fakeVscode = {
  window: {
    createOutputChannel: () => ({ info() {}, warn() {}, error() {}, show() {}, dispose() {} }),
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    registerWebviewPanelSerializer: () => disposable,
    onDidChangeWindowState: event,
    state: { focused: true },
  },
  commands: { registerCommand: () => disposable },
  workspace: { getConfiguration: () => ({ get: () => undefined, inspect: () => undefined }), onDidChangeConfiguration: event, isTrusted: true },
  env: { language: 'en', remoteName: undefined },
  l10n: { t: (s) => s },
  Uri: { file: (p) => ({ fsPath: p, path: p }), joinPath: (u, ...p) => ({ fsPath: path.join(u.fsPath, ...p) }) },
  EventEmitter: class { event = event; fire() {} dispose() {} },
  MarkdownString: class { appendMarkdown() { return this; } },
  ThemeColor: class {},
  StatusBarAlignment: { Left: 1, Right: 2 },
  ConfigurationTarget: { Global: 1 },
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
Module._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fakeVscode };

const context = { subscriptions: [], globalState: { get: () => undefined, update: async () => {} }, secrets: { get: async () => undefined }, globalStorageUri: { fsPath: '/tmp' }, extensionUri: { fsPath: repoRoot } };
const extensionFile = path.join(repoRoot, 'dist', 'extension.js');
const engineFile = path.join(repoRoot, 'dist', 'statusController.js');

const activations = [];
const engines = [];
for (let i = 0; i < reps; i++) {
  for (const file of [extensionFile, engineFile]) delete require.cache[file];
  let t = performance.now();
  const extension = require(extensionFile);
  // activate() schedules the engine with setImmediate; keep it from starting a real scan here.
  const realSetImmediate = globalThis.setImmediate;
  globalThis.setImmediate = () => 0;
  extension.activate({ ...context, subscriptions: [] });
  globalThis.setImmediate = realSetImmediate;
  activations.push(performance.now() - t);
  t = performance.now();
  require(engineFile);
  engines.push(performance.now() - t);
}
const stats = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return `min ${sorted[0].toFixed(2)} ms, median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} ms (first run ${xs[0].toFixed(2)} ms)`;
};
const kb = (file) => `${(statSync(file).size / 1024).toFixed(1)} KB`;
console.log(`dist/extension.js ${kb(extensionFile)}: load + activate(): ${stats(activations)}`);
console.log(`dist/statusController.js ${kb(engineFile)}: load (after activation, on the next tick): ${stats(engines)}`);
