// What the editor's ledger holds after start-up (issue 19 item 4: memory bounded whatever the history's length).
// `node --expose-gc --import tsx bench/editorHeld.ts --corpus DIR --index FILE --mode now|all [--now-ms MS] [--new FILE]`
//
// FILE is made by a cold scan of DIR (claude/, codex/) when missing. Then, in this process, as the editor starts:
// the index from the status rollup's rows on, then
// - `now`: the status window's rows (loadRecentRows), older rows left on disk (loadIndex olderOnDisk);
// - `all`: every older row read into the ledger (loadOlderRows: the editor before session 18),
// a full pass, and with --new a resumed copy of one old request and a fresh one appended to FILE (the next pass reads
// them: a merge into an old row, a key looked up). Heap used + array buffers after a forced collection, against
// the same before loading; and the ledger's rows and key hashes held. --now-ms: the status window ends there
// (default: the newest request + 1 hour, so that a month of rows is in the window whatever the corpus's dates).
// One JSON line on stdout.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageScanner } from '../src/sources/usageScanner';
import { closeIndexOf, loadIndex, loadOlderRows, loadRecentRows, saveIndex } from '../src/sources/usageIndex';
import { statusWindowStartMs } from '../src/core/status/statusRollup';

const option = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const corpus = option('--corpus')!;
const indexFile = option('--index')!;
const mode = option('--mode') ?? 'now';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const roots = { claudeDirs: [join(corpus, 'claude')], codexDirs: [join(corpus, 'codex')] };
const scanner = () => new UsageScanner({ roots, workers: 0 });
const heldMb = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6;
};

async function main(): Promise<void> {
  if (!existsSync(indexFile)) {
    const cold = scanner();
    await cold.refresh({ full: true });
    await saveIndex(indexFile, cold, 'sync');
  }
  const probe = scanner();
  await loadIndex(indexFile, probe, { sinceMs: Number.MAX_SAFE_INTEGER, olderOnDisk: true });
  const newestMs = Math.max(...probe.ledger.lastEventsSince(-Infinity, 1).map((e) => e.timestampMs));
  closeIndexOf(probe.ledger);
  const nowMs = Number(option('--now-ms') ?? newestMs + 3_600_000);
  const before = heldMb();
  const started = process.cpuUsage();
  const editor = scanner();
  // The rollup's start (today); the bench has no rollup file, so today's start stands for it.
  const todayMs = nowMs - (nowMs % 86_400_000);
  await loadIndex(indexFile, editor, { sinceMs: todayMs, olderOnDisk: mode === 'now' });
  if (mode === 'now') await loadRecentRows(editor, statusWindowStartMs(nowMs));
  else await loadOlderRows(editor);
  await editor.refresh({ full: true });
  const cpu = process.cpuUsage(started);
  const held = heldMb() - before;
  console.log(
    JSON.stringify({
      mode,
      requests: editor.ledger.size,
      windowStart: new Date(statusWindowStartMs(nowMs)).toISOString(),
      heldRows: editor.ledger.held.rows,
      heldKeyHashes: editor.ledger.held.keyHashes,
      heldMb: Number(held.toFixed(2)),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    }),
  );
  closeIndexOf(editor.ledger);
}

void main();
