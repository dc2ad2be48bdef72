// What the editor's ledger holds after start-up (issue 19 item 4: memory bounded whatever the history's length).
// `node --expose-gc --import tsx bench/editorHeld.ts --corpus DIR --index FILE --mode now|all [--now-ms MS] [--years N]`
//
// FILE is made by a cold scan of DIR (claude/, codex/) when missing. Then, in this process, as the editor starts:
// the index from the status rollup's rows on, then
// - `now`: the status window's rows (loadRecentRows), older rows left on disk (loadIndex olderOnDisk);
// - `all`: every older row read into the ledger (loadOlderRows: the editor before session 18),
// a full pass. Heap used + array buffers after a forced collection, against
// the same before loading; and the ledger's rows and key hashes held. --now-ms: the status window ends there
// (default: the newest request + 1 hour, so that a month of rows is in the window whatever the corpus's dates).
// Then every row made into an object once (readAllMs: what the dashboard or Estimate Task Cost costs, `events()`; in
// `now` the older rows read from the file, blocking), and held after (heldAfterReleaseMb). One JSON line on stdout.
//
// --years N (history longer by N years, the same last month): FILE is first rewritten as a ledger of the index's
// requests plus N copies of them moved back 1..N years (other keys), with an empty file table; then no pass runs
// (the logs do not hold that history) and the figures are the ledger's alone. Compare with --years 0.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger } from '../src/core/ledger/ledger';
import { UsageScanner } from '../src/sources/usageScanner';
import { loadIndex, saveIndex } from '../src/sources/usageIndex';
import { closeIndexOf, loadOlderRows, loadRecentRows } from '../src/sources/heldIndex';
import { statusWindowStartMs } from '../src/core/status/statusRollup';

const option = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const corpus = option('--corpus')!;
const indexFile = option('--index')!;
const mode = option('--mode') ?? 'now';
const years = option('--years') === undefined ? undefined : Number(option('--years'));
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
  let source = indexFile;
  if (years !== undefined) {
    source = `${indexFile}.${years}y.bin`;
    if (!existsSync(source)) {
      const whole = scanner();
      await loadIndex(indexFile, whole);
      const events = whole.ledger.events();
      const longer = new Ledger();
      const yearMs = 365 * 86_400_000;
      for (let y = years; y >= 0; y--) events.forEach((event, i) => longer.add({ event: { ...event, timestampMs: event.timestampMs - y * yearMs }, dedupKey: `${y}:${i}` }));
      const writer = scanner();
      writer.restore(longer, []);
      await saveIndex(source, writer, 'sync');
    }
  }
  const probe = scanner();
  await loadIndex(source, probe, { sinceMs: Number.MAX_SAFE_INTEGER, olderOnDisk: true });
  const newestMs = Math.max(...probe.ledger.lastEventsSince(-Infinity, 1).map((e) => e.timestampMs));
  closeIndexOf(probe.ledger);
  const nowMs = Number(option('--now-ms') ?? newestMs + 3_600_000);
  const before = heldMb();
  const started = process.cpuUsage();
  const editor = scanner();
  // The rollup's start (today); the bench has no rollup file, so today's start stands for it.
  const todayMs = nowMs - (nowMs % 86_400_000);
  await loadIndex(source, editor, { sinceMs: todayMs, olderOnDisk: mode === 'now' });
  if (mode === 'now') await loadRecentRows(editor, statusWindowStartMs(nowMs));
  else await loadOlderRows(editor);
  const beforePass = heldMb() - before;
  if (years === undefined) await editor.refresh({ full: true });
  const cpu = process.cpuUsage(started);
  const held = heldMb() - before;
  // What a view costs the editor (the dashboard, Estimate Task Cost: Ledger.events()): every row as an object, the
  // older ones read from the file a piece at a time in `now` (blocking).
  const readStarted = performance.now();
  const rows = editor.ledger.events().length;
  const readAllMs = performance.now() - readStarted;
  if (rows !== editor.ledger.size) throw new Error('rows missing');
  editor.ledger.releaseOlder();
  // events() keeps its array through a WeakRef, kept alive until this job ends.
  await new Promise((resolve) => setTimeout(resolve, 0));
  console.log(
    JSON.stringify({
      mode,
      years: years ?? 0,
      requests: editor.ledger.size,
      windowStart: new Date(statusWindowStartMs(nowMs)).toISOString(),
      heldRows: editor.ledger.held.rows,
      heldKeyHashes: editor.ledger.held.keyHashes,
      heldBeforePassMb: Number(beforePass.toFixed(2)),
      heldMb: Number(held.toFixed(2)),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      readAllMs: Math.round(readAllMs),
      heldAfterReleaseMb: Number((heldMb() - before).toFixed(2)),
    }),
  );
  closeIndexOf(editor.ledger);
}

void main();
