// What the editor's ledger holds after start-up (issue 19 item 4: memory bounded whatever the history's length).
// `node --expose-gc --import tsx bench/editorHeld.ts --corpus DIR --index FILE --mode now|all|cold [--now-ms MS] [--years N]`
//
// FILE is made by a cold scan of DIR (claude/, codex/) when missing. Then, in this process, as the editor starts:
// the index from the status rollup's rows on, then
// - `now`: the status window's rows (loadRecentRows), older rows left on disk (loadIndex olderOnDisk);
// - `all`: every older row read into the ledger (loadOlderRows: the editor before session 18),
// a full pass;
// - `cold`: no index yet (see cold() below): every row scanned, saved whole, then the ledger read back from that save. Heap used + array buffers after a forced collection, against
// the same before loading; and the ledger's rows and key hashes held. --now-ms: the status window ends there
// (default: the newest request + 1 hour, so that a month of rows is in the window whatever the corpus's dates).
// Then every row made into an object once (readAllMs: what the dashboard or Estimate Task Cost costs, `events()`; in
// `now` the older rows read from the file, blocking), and held after (heldAfterReleaseMb). One JSON line on stdout.
//
// --years N (history longer by N years, the same last month): FILE is first rewritten as a ledger of the index's
// requests plus N copies of them moved back 1..N years (other keys), with an empty file table; then no pass runs
// (the logs do not hold that history) and the figures are the ledger's alone. Compare with --years 0.

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger } from '../src/core/ledger/ledger';
import { UsageScanner } from '../src/sources/usageScanner';
import { loadIndex, rebaseOnIndex, saveIndex } from '../src/sources/usageIndex';
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
  if (mode === 'cold') return cold(source);
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
  // CPU of a view's call at a new version (events() keeps its objects for one version): median of 5, and what the
  // editor's status with an endpoint's reading now reads instead (the rows since a reading fetched a minute ago).
  const cpuOf = (work: () => unknown) => {
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      editor.ledger.version++;
      const t = process.cpuUsage();
      work();
      const used = process.cpuUsage(t);
      times.push((used.user + used.system) / 1000);
    }
    return Number(times.sort((a, b) => a - b)[2].toFixed(1));
  };
  const eventsCpuMs = cpuOf(() => editor.ledger.events().length);
  const readingRowsCpuMs = cpuOf(() => editor.ledger.eventsSince(nowMs - 60_000).length);
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
      eventsCpuMs,
      readingRowsCpuMs,
      heldAfterReleaseMb: Number((heldMb() - before).toFixed(2)),
    }),
  );
  closeIndexOf(editor.ledger);
}

/**
 * `--mode cold`: the editor's cold start (no index yet): the ledger of every row, its first whole save, and the ledger
 * rebased on that save (rebaseOnIndex). Without --years a cold scan of DIR; with --years N a ledger made of the
 * index's requests and N years more (as --years builds its file), as a cold scan of that history would hold it.
 */
async function cold(source: string): Promise<void> {
  const before = await settledMb();
  const started = process.cpuUsage();
  const editor = scanner();
  if (years === undefined) await editor.refresh({ full: true });
  else editor.restore(await coldLedgerOf(source), []);
  const scanCpu = process.cpuUsage(started);
  const heldScanned = (await settledMb()) - before;
  const scannedRows = editor.ledger.held;
  const file = `${indexFile}.cold.bin`;
  rmSync(file, { force: true });
  const saveStarted = process.cpuUsage();
  await saveIndex(file, editor);
  const newestMs = Math.max(...editor.ledger.lastEventsSince(-Infinity, 1).map((e) => e.timestampMs));
  const nowMs = Number(option('--now-ms') ?? newestMs + 3_600_000);
  const rebased = await rebaseOnIndex(file, editor, statusWindowStartMs(nowMs));
  const saveCpu = process.cpuUsage(saveStarted);
  const held = (await settledMb()) - before;
  if (years === undefined) await editor.refresh({ full: true });
  console.log(
    JSON.stringify({
      mode,
      years: years ?? 0,
      requests: editor.ledger.size,
      rebased,
      scannedHeldRows: scannedRows.rows,
      scannedHeldKeyHashes: scannedRows.keyHashes,
      scannedHeldMb: Number(heldScanned.toFixed(2)),
      heldRows: editor.ledger.held.rows,
      heldKeyHashes: editor.ledger.held.keyHashes,
      heldAfterSaveMb: Number(held.toFixed(2)),
      heldAfterPassMb: Number(((await settledMb()) - before).toFixed(2)),
      scanCpuMs: Math.round((scanCpu.user + scanCpu.system) / 1000),
      saveAndRebaseCpuMs: Math.round((saveCpu.user + saveCpu.system) / 1000),
    }),
  );
  closeIndexOf(editor.ledger);
  rmSync(file, { force: true });
}

/** A ledger of every request of the index `source` added one by one, as a cold scan's ledger holds them. */
async function coldLedgerOf(source: string): Promise<Ledger> {
  const whole = scanner();
  await loadIndex(source, whole);
  const ledger = new Ledger();
  let i = 0;
  for (const event of whole.ledger.eachEvent()) ledger.add({ event, dedupKey: String(i++) });
  return ledger;
}

/** heldMb once collections have settled: the memory a collection frees is given back on other threads, later. */
async function settledMb(): Promise<number> {
  for (let k = 0; k < 3; k++) {
    heldMb();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return heldMb();
}

void main();
