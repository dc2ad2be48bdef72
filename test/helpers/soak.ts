// Simulated agent traffic, compressed in time, with the extension's Node-side core running on it:
// a UsageScanner (quick passes on every change, a full pass now and then, the index saved), and a
// BudgetPoller against a local endpoint. Used by the trimmed soak in npm test and the long one in
// npm run test:stress. Reports the figures the suites assert on.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { endpointSourceConfigSchema } from '../../src/core/budgetReadingSchema';
import { BudgetPoller } from '../../src/sources/endpoints';
import { UsageScanner } from '../../src/sources/usageScanner';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { sendJson, startHttp } from './faultServer';
import { claudeAssistantLine, codexSessionMeta, codexTokenCount, codexTurnContext, ledgerTotals } from './logLines';
import { freshScan, makeTempRoots } from './scanFolders';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** JS heap plus ArrayBuffers (the ledger keeps its rows in typed arrays), after GC. */
export function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** Handles and timers, by kind, without the ones mocha or the test itself holds at the start. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

export interface SoakOptions {
  /** Wall-clock length of the traffic phase. */
  durationMs: number;
  /** Simulated time per real millisecond (e.g. 360: ten seconds stand for an hour). */
  speedup: number;
  /** Concurrent agent sessions writing logs. */
  sessions: number;
  /** Replies logged between two quick passes (default 8). */
  repliesPerTick?: number;
}

export interface SoakResult {
  simulatedMinutes: number;
  linesWritten: number;
  eventsWritten: number;
  garbageLines: number;
  tornWrites: number;
  sessionsStarted: number;
  quickPasses: number;
  fullPasses: number;
  indexSaves: number;
  polls: number;
  heapSamples: number[];
  /** Heap held by the soaked scanner's state vs a fresh scanner's, after GC (bytes). */
  soakedRetainedBytes: number;
  freshRetainedBytes: number;
  /** Heap growth over idle refresh passes (no new lines): must be ~0 (bytes). */
  idleGrowthBytes: number;
  /** CPU used during one idle second with the core running (µs). */
  idleCpuMicros: number;
  resourcesBefore: Record<string, number>;
  resourcesAfter: Record<string, number>;
  totalsMatchFresh: boolean;
  soakTotals: ReturnType<typeof ledgerTotals>;
  freshTotals: ReturnType<typeof ledgerTotals>;
}

interface Session {
  file: string;
  kind: 'claude' | 'codex';
  turns: number;
  total: { input: number; cached: number; output: number };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  // After a turn of the event loop, so the test runner's own timeout timer is already counted.
  await new Promise((r) => setImmediate(r));
  const resourcesBefore = activeResources();
  const t = await makeTempRoots('tokenmeter-soak-');
  const endpoint = await startHttp((_req, res) => sendJson(res, 200, { info: { spend: 1, max_budget: 100 } }));
  const result: Partial<SoakResult> = { linesWritten: 0, eventsWritten: 0, garbageLines: 0, tornWrites: 0, sessionsStarted: 0, quickPasses: 0, fullPasses: 0, indexSaves: 0, polls: 0, heapSamples: [] };
  let poller: BudgetPoller | undefined;
  try {
    const indexPath = path.join(t.base, 'cache', 'index.json');
    let scanner = new UsageScanner({ roots: t.roots, workers: 0 });
    poller = new BudgetPoller({
      sources: [{ id: 'gw', config: endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: endpoint.url, includeTeam: false }), getApiKey: async () => 'sk-soak' }],
      pollIntervalMs: 250,
      jitterRatio: 0.1,
    });
    poller.onDidChange(() => result.polls!++);
    poller.start();

    const sessions: Session[] = [];
    let id = 0;
    const startSession = async () => {
      const n = result.sessionsStarted!++;
      if (n % 3 === 2) {
        const uuid = `0199a0aa-0000-4000-8000-${String(n).padStart(12, '0')}`;
        const file = path.join(t.codexDay, `rollout-2025-09-01T10-00-00-${uuid}.jsonl`);
        await fs.writeFile(file, `${codexSessionMeta(uuid)}\n${codexTurnContext('gpt-5-codex')}\n`);
        result.linesWritten! += 2;
        sessions.push({ file, kind: 'codex', turns: 0, total: { input: 0, cached: 0, output: 0 } });
      } else {
        const file = n % 3 === 1 ? path.join(t.claudeProject, `s${n - 1}`, 'subagents', `agent-${n}.jsonl`) : path.join(t.claudeProject, `s${n}.jsonl`);
        await fs.mkdir(path.dirname(file), { recursive: true });
        sessions.push({ file, kind: 'claude', turns: 0, total: { input: 0, cached: 0, output: 0 } });
      }
      return sessions[sessions.length - 1];
    };
    for (let i = 0; i < options.sessions; i++) await startSession();

    const started = Date.now();
    const simStartMs = Date.UTC(2025, 8, 1, 9, 0, 0);
    let nextFullAt = started + 1_000;
    let nextSaveAt = started + 2_000;
    let nextSampleAt = started + 500;
    let tick = 0;
    while (Date.now() - started < options.durationMs) {
      tick++;
      const simNow = new Date(simStartMs + (Date.now() - started) * options.speedup).toISOString();
      const changed: string[] = [];
      // A few sessions reply each tick; every so often one ends and a new one starts.
      for (let k = 0; k < (options.repliesPerTick ?? 8); k++) {
        let s = sessions[(tick * 7 + k * 13) % sessions.length];
        if (s.turns > 40 && k === 0) {
          sessions.splice(sessions.indexOf(s), 1);
          s = await startSession();
        }
        s.turns++;
        let text: string;
        if (s.kind === 'claude') {
          const n = id++;
          // A streamed reply is logged once per content block with the same ids: counted once.
          const line = claudeAssistantLine({ id: `soak${n}`, usage: { input: 50 + (n % 500), output: 10 + (n % 97), cacheWrite: n % 300, cacheRead: 1000 + (n % 5000) }, timestamp: simNow, text: 'x'.repeat(n % 2000) });
          text = tick % 5 === 0 ? `${line}\n${line}\n` : `${line}\n`;
          if (tick % 11 === 0) {
            text += '{"type":"assistant","message":{"usage":\n';
            result.garbageLines!++;
          }
        } else {
          const turn = { input: 200 + (tick % 900), cached: tick % 150, output: 20 + (tick % 60) };
          s.total = { input: s.total.input + turn.input, cached: s.total.cached + turn.cached, output: s.total.output + turn.output };
          id++;
          text = `${codexTokenCount(s.total, turn, simNow)}\n`;
        }
        result.eventsWritten!++;
        const bytes = Buffer.from(text);
        if (tick % 4 === 0) {
          // A writer caught between two writes: a scan may run in between.
          const cut = Math.floor(bytes.length / 2);
          await fs.appendFile(s.file, bytes.subarray(0, cut));
          const quick = scanner.refresh({ full: false, changedPaths: [s.file] });
          await fs.appendFile(s.file, bytes.subarray(cut));
          await quick;
          result.tornWrites!++;
        } else await fs.appendFile(s.file, bytes);
        result.linesWritten! += text.split('\n').length - 1;
        changed.push(s.file);
      }
      await scanner.refresh({ full: false, changedPaths: changed });
      result.quickPasses!++;
      const now = Date.now();
      if (now >= nextFullAt) {
        await scanner.refresh({ full: true });
        result.fullPasses!++;
        nextFullAt = now + 1_000;
      }
      if (now >= nextSaveAt) {
        await saveIndex(indexPath, scanner);
        // A new window starting: it loads the index another wrote and carries on from there.
        const next = new UsageScanner({ roots: t.roots, workers: 0 });
        if (await loadIndex(indexPath, next)) scanner = next;
        result.indexSaves!++;
        nextSaveAt = now + 2_000;
      }
      if (now >= nextSampleAt) {
        result.heapSamples!.push(heapAfterGc());
        nextSampleAt = now + Math.max(1_000, options.durationMs / 12);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    result.simulatedMinutes = ((Date.now() - started) * options.speedup) / 60_000;

    // Idle: no new lines, the core keeps refreshing; nothing may grow.
    await scanner.refresh({ full: true });
    const idleBefore = heapAfterGc();
    for (let i = 0; i < 100; i++) await scanner.refresh({ full: i % 10 === 0, changedPaths: [] });
    result.idleGrowthBytes = heapAfterGc() - idleBefore;
    // CPU between events: the poller waits on a long interval, the scanner is event-driven.
    poller.dispose();
    poller = new BudgetPoller({ sources: [{ id: 'gw', config: endpointSourceConfigSchema.parse({ type: 'litellm', baseUrl: endpoint.url, includeTeam: false }), getApiKey: async () => 'k' }], pollIntervalMs: 60_000 });
    poller.start();
    await new Promise((r) => setTimeout(r, 200));
    const cpu = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 1_000));
    const used = process.cpuUsage(cpu);
    result.idleCpuMicros = used.user + used.system;

    const fresh = await freshScan(t.roots);
    result.soakTotals = ledgerTotals(scanner.ledger);
    result.freshTotals = fresh.totals;
    result.totalsMatchFresh = JSON.stringify(result.soakTotals) === JSON.stringify(fresh.totals);

    // What the soaked scanner holds vs what a fresh one holds for the same logs: each is the heap with that
    // scanner minus the heap right after dropping it (a baseline taken once drifts by MBs as the process settles).
    const withSoaked = heapAfterGc();
    scanner = new UsageScanner({ roots: t.roots, workers: 0 });
    result.soakedRetainedBytes = withSoaked - heapAfterGc();
    await scanner.refresh({ full: true });
    const withFresh = heapAfterGc();
    scanner = new UsageScanner({ roots: t.roots, workers: 0 });
    result.freshRetainedBytes = withFresh - heapAfterGc();
  } finally {
    poller?.dispose();
    await endpoint.close();
    await t.cleanup();
  }
  // Node's fetch keeps a shared timer for idle pooled sockets for up to a few seconds; let it lapse.
  await new Promise((r) => setTimeout(r, 1_500));
  result.resourcesAfter = activeResources();
  result.resourcesBefore = resourcesBefore;
  return result as SoakResult;
}
