// The scan threads of a cold scanning command, set up before the command's own code loads (src/cli.ts). A bundle of its
// own (dist/cli/scanAhead.js): the commands that do not scan, the status line first, do not compile it.
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { defaultLogRoots } from '../sources/logFiles';
import { claudeProjectsLookLarge, defaultWorkerCount, favourShortWarmUp, handOverScanWorkers, moreThreadsBytes, ScanWorkers } from '../sources/scanWorkers';

export function startScanThreadsAhead(): void {
  favourShortWarmUp();
  // Beside dist/cli/, in dist/ (from the sources there is none: the command then reads on its own thread).
  const script = path.join(__dirname, '..', 'scanWorkerThread.js');
  const readers = defaultWorkerCount();
  // Started once the listing shows a large backlog (UsageScanner, moreThreadsBytes). The main thread is one of the
  // readers (ScanOptions.readShareHere): a thread less to start, and its share is neither packed nor sent.
  if (readers <= 1 || !existsSync(script)) return;
  const threads = new ScanWorkers(script, readers - 1, 0);
  // With a core idle and a glance at the Claude Code projects showing a large history, the thread boots now, on that
  // core, while this one loads the command and lists the files: it reads from the first portion on instead of booting
  // once the listing has found the backlog. Otherwise it is made only if the backlog calls for it: booted for nothing
  // (a small history), it cost real Codex logs alone ~80 ms of CPU and of wall (docs/benchmarks.md, cold scan
  // session 13). The roots here are the environment's (settings may add folders: those are left to the listing).
  if ((process.env.TOKENMETER_WORKERS || idleCoresAtStart() >= 1) && claudeProjectsLookLarge(defaultLogRoots().claudeDirs, moreThreadsBytes)) threads.prestart();
  handOverScanWorkers(threads);
}

/** As scanParts' idleCoresNow (that module loads with the command's code, after this). */
function idleCoresAtStart(): number {
  return (availableParallelism?.() ?? cpus().length) - loadavg()[0];
}
