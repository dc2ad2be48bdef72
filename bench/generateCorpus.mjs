#!/usr/bin/env node
// Deterministic generator of realistic Claude Code (and optionally Codex) logs for benchmarks.
//
//   node bench/generateCorpus.mjs --size small|medium|large [--out DIR] [--seed S] [--no-codex]
//
// writes DIR/claude/projects/..., DIR/codex/sessions/... and DIR/expected.json (the generator's own
// ground truth: exact token totals by kind, by model and by UTC day, each request counted once).
// Same seed + size + now => byte-identical corpus.
//
// Importable: generateCorpus({ claudeDir, codexDir, sizeBytes, seed, now }) => ground truth object.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ClaudeCorpus } from './lib/claudeCorpus.mjs';
import { CodexCorpus } from './lib/codexCorpus.mjs';
import { GroundTruth } from './lib/groundTruth.mjs';
import { Rng } from './lib/prng.mjs';
import { TextPool } from './lib/textPool.mjs';

export const SIZES = { small: 2_000_000, medium: 150_000_000, large: 1_500_000_000, huge: 15_000_000_000 };
/** Fixed default clock so that a corpus never depends on when it was generated. */
export const DEFAULT_NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
// 2: files get their last line's time as mtime. 3: Write tool inputs carry the file content.
// 4: Bash error results no longer cut an escape sequence in half.
export const GENERATOR_VERSION = 4;

/**
 * Generates a corpus. Returns the ground truth (also what the CLI writes to expected.json).
 * @param {{ claudeDir: string, codexDir?: string|null, sizeBytes: number, seed?: string|number,
 *   now?: number|Date, days?: number, codexShare?: number, codexRepeatedTotals?: boolean, malformedRate?: number, apiErrorRate?: number }} opts
 *   sizeBytes: total bytes to write (approximately); codexShare: fraction of them for Codex (default 0.08 when codexDir is given).
 */
export function generateCorpus({ claudeDir, codexDir = null, sizeBytes, seed = 1, now = DEFAULT_NOW, days = 30, codexShare, codexRepeatedTotals = true, malformedRate = 0.0008, apiErrorRate = 0.003 }) {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const share = codexDir ? (codexShare ?? 0.08) : 0;
  const truth = new GroundTruth();
  const pool = new TextPool(new Rng(`${seed}:pool`));
  const started = Date.now();

  // Small corpora still get many sessions: no single session or tool result may take most of the budget.
  const maxSessionBytes = Math.max(20_000, Math.min(60_000_000, sizeBytes / 40));
  const maxResultChars = Math.max(4_000, Math.min(5_000_000, sizeBytes / 40));
  const claude = new ClaudeCorpus({ rng: new Rng(`${seed}:claude`), pool, truth, claudeDir, nowMs, days, maxSessionBytes, maxResultChars, malformedRate, apiErrorRate });
  claude.generate(sizeBytes * (1 - share));
  if (codexDir && share > 0) {
    const codex = new CodexCorpus({ rng: new Rng(`${seed}:codex`), pool, truth, codexDir, nowMs, days, repeatedTotals: codexRepeatedTotals, maxSessionBytes, maxResultChars });
    codex.generate(sizeBytes * share);
  }
  return {
    generatorVersion: GENERATOR_VERSION,
    seed: String(seed),
    sizeBytes,
    now: new Date(nowMs).toISOString(),
    days,
    generationMs: Date.now() - started,
    ...truth.toJSON(),
  };
}

function parseArgs(argv) {
  const args = { size: 'small', out: null, seed: '1', codex: true, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--size') args.size = argv[++i];
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--seed') args.seed = argv[++i];
    else if (a === '--bytes') args.bytes = Number(argv[++i]);
    else if (a === '--no-codex') args.codex = false;
    else if (a === '--force') args.force = true;
    else if (a === '-h' || a === '--help') args.help = true;
    else throw new Error(`Unknown argument ${a}. Try --help.`);
  }
  return args;
}

/** Generates DIR/{claude,codex,expected.json} unless DIR/expected.json already exists (or force). */
export function generateCorpusDir({ out, size = 'small', bytes, seed = '1', codex = true, force = false, log = () => {} }) {
  const dir = resolve(out);
  const expectedPath = join(dir, 'expected.json');
  if (existsSync(expectedPath) && !force) {
    const previous = JSON.parse(readFileSync(expectedPath, 'utf8'));
    if (previous.generatorVersion === GENERATOR_VERSION && (bytes === undefined || previous.sizeBytes === bytes)) return { dir, expectedPath, generated: false };
    log(`${expectedPath} is from generator version ${previous.generatorVersion}: regenerating`);
  }
  const sizeBytes = bytes ?? SIZES[size];
  if (!sizeBytes) throw new Error(`Unknown size "${size}": use small, medium or large (or --bytes N).`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`generating ${size} corpus (${(sizeBytes / 1e6).toFixed(0)} MB, seed ${seed}) into ${dir}`);
  const truth = generateCorpus({ claudeDir: join(dir, 'claude'), codexDir: codex ? join(dir, 'codex') : null, sizeBytes, seed });
  mkdirSync(join(dir, 'codex'), { recursive: true });
  // Written last: its presence marks a complete corpus.
  writeFileSync(expectedPath, JSON.stringify({ size, ...truth }, null, 1) + '\n');
  log(`done in ${(truth.generationMs / 1000).toFixed(1)} s: ${((truth.bytes.claude + truth.bytes.codex) / 1e6).toFixed(1)} MB`);
  return { dir, expectedPath, generated: true };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log('usage: node bench/generateCorpus.mjs --size small|medium|large [--out DIR] [--seed S] [--bytes N] [--no-codex] [--force]');
    process.exit(0);
  }
  const out = args.out ?? join('bench', '.corpus', args.size);
  const { expectedPath, generated } = generateCorpusDir({ ...args, out, log: (m) => console.error(m) });
  if (!generated) console.error(`${expectedPath} exists; use --force to regenerate`);
  console.log(expectedPath);
}
