// In-process live-update benchmark: what the extension pays when an agent appends to a log.
// Run by bench/run.mjs as `node --import tsx bench/liveUpdate.ts --claude DIR --codex DIR --file PATH`.
//
// 1. Full scan with UsageScanner (the extension's scanner, worker threads from dist/scanWorkerThread.js).
// 2. For each append size: append new requests to PATH, time `refresh({ full: false, changedPaths: [PATH] })`
//    (the file-watcher path), check the ledger grew by exactly the new tokens.
// 3. A quick refresh with nothing new, and a full refresh with nothing new (lists and stats every file).
// Prints one JSON object on stdout. The file is truncated back to its original size at the end.

import { closeSync, openSync, readSync, statSync, appendFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { UsageScanner } from '../src/sources/usageScanner';
import { appendedRequests, sessionOf } from './lib/append.mjs';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || !process.argv[i + 1]) throw new Error(`--${name} is required`);
  return process.argv[i + 1];
}

function totals(scanner: UsageScanner) {
  const t = { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0 };
  for (const e of scanner.ledger.events()) {
    t.inputTokens += e.inputTokens;
    t.outputTokens += e.outputTokens;
    t.cacheCreationTokens += e.cacheWrite5mTokens + e.cacheWrite1hTokens;
    t.cacheReadTokens += e.cacheReadTokens;
  }
  return t;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const value = await work();
  return [value, Number(process.hrtime.bigint() - started) / 1e6];
}

async function main() {
  const file = arg('file');
  const repo = join(__dirname, '..');
  const scanner = new UsageScanner({ roots: { claudeDirs: [arg('claude')], codexDirs: [arg('codex')] }, workerScript: join(repo, 'dist', 'scanWorkerThread.js') });
  const [, fullScanMs] = await timed(() => scanner.refresh({ full: true }));
  const fullScanRssMb = process.memoryUsage().rss / 2 ** 20;

  const originalSize = statSync(file).size;
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(8192);
  const { sessionId, cwd } = sessionOf(head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8'));
  closeSync(fd);

  const appends: { bytes: number; ms: number; ok: boolean }[] = [];
  try {
    // Warm the quick path once (JIT, first stat), then measure growing appends.
    for (const [i, resultChars] of [0, 200, 3_000, 30_000, 300_000].entries()) {
      const { text, added } = appendedRequests({ sessionId, cwd, count: 20, nowMs: Date.now(), seed: `live-${i}`, resultChars });
      const before = totals(scanner);
      appendFileSync(file, text);
      const [, ms] = await timed(() => scanner.refresh({ full: false, changedPaths: [file] }));
      const after = totals(scanner);
      const ok = (Object.keys(added) as (keyof typeof added)[]).every((k) => after[k] - before[k] === added[k]);
      if (!ok && process.env.LIVE_DEBUG) console.error(JSON.stringify({ before, after, added }));
      if (i > 0) appends.push({ bytes: Buffer.byteLength(text), ms, ok });
    }
    const [, quickNoChangeMs] = await timed(() => scanner.refresh({ full: false, changedPaths: [file] }));
    const [, fullNoChangeMs] = await timed(() => scanner.refresh({ full: true }));
    process.stdout.write(JSON.stringify({ fileBytes: originalSize, fullScanMs, fullScanRssMb, appends, quickNoChangeMs, fullNoChangeMs, files: scanner.stats.files }) + '\n');
  } finally {
    truncateSync(file, originalSize);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
