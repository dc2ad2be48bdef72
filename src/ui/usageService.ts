import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { Calendar } from '../core/calendar';
import { PriceTable, type RefreshedPriceData } from '../core/pricing';
import { Ledger } from '../core/ledger/ledger';
import type { Settings } from '../core/settings';
import { computeEstimatedSpend, statusWindowStartMs, type EstimatedSpend } from '../core/status/estimatedSpend';
import { defaultLogRoots, logFolders, type LogRoots } from '../sources/logFiles';
import { defaultIndexPath, loadIndex, rebaseOnIndex, saveIndex } from '../sources/usageIndex';
import { closeIndexOf, loadOlderRows, loadRecentRows } from '../sources/heldIndex';
import { existingAgentRoots } from '../sources/agents/detect';
import { watchTree } from '../sources/folderTreeWatcher';
import { StatusRollupKeeper } from '../sources/statusRollupKeeper';
import { UsageScanner } from '../sources/usageScanner';
import { priceDataCacheFile, readCachedPriceData, refreshPriceData } from '../sources/priceDataRefresh';

export type ServiceState =
  | { kind: 'starting' }
  | { kind: 'ready'; estimatedSpend: EstimatedSpend }
  | { kind: 'no-logs'; roots: LogRoots }
  | { kind: 'error'; message: string; estimatedSpend?: EstimatedSpend };

const quickPassMs = 1_000;
const fullPassMs = 30_000;
const indexSaveMs = 60_000;
// Time moves even when no agent writes: midnight, the end of a 5-hour block.
const recomputeMs = 30_000;

/**
 * The ledger kept live for one settings lifetime: a cold scan (or the persisted
 * index) at start, then only appended bytes, noticed by a file watcher and a
 * one-second poll of recently written files.
 */
export class UsageService implements vscode.Disposable {
  readonly scanner: UsageScanner;
  /** Replaced once when opt-in refreshed price data is loaded (see refreshPrices). */
  prices: PriceTable;
  readonly calendar: Calendar;
  readonly roots: LogRoots;
  private readonly indexPath: string;
  private readonly changed = new vscode.EventEmitter<ServiceState>();
  readonly onDidChange = this.changed.event;
  state: ServiceState = { kind: 'starting' };
  private readonly disposables: vscode.Disposable[] = [];
  private changedPaths = new Set<string>();
  private lastSavedVersion = -1;
  private disposed = false;
  /** Every log folder watched, none refused (see watchFolders): the 30-second pass is then a warm one (UsageScanner.periodicRefresh). */
  private watchingAll = false;

  private budget: Settings['budget'];
  private readonly priceDataRefresh: Settings | undefined;
  /** The status rollup beside the index: the status reads it instead of a month of rows, and every index save writes it. */
  private readonly rollup: StatusRollupKeeper;
  private readonly rollupPrices: PriceTable;
  /** Not on Windows: there a file held open may refuse the rename that replaces it (see start). */
  private readonly olderOnDisk = process.platform !== 'win32';

  constructor(settings: Settings, private readonly log: (message: string) => void) {
    this.budget = settings.budget;
    this.roots = defaultLogRoots(process.env, undefined, { claudeDirs: settings.claudeConfigDirs, codexDirs: settings.codexHomes });
    this.prices = new PriceTable(settings.prices);
    this.priceDataRefresh = settings.priceDataRefresh ? settings : undefined;
    this.calendar = new Calendar(settings.timeZone || undefined);
    this.scanner = new UsageScanner({ roots: this.roots, sources: settings.sources, log });
    this.indexPath = defaultIndexPath(this.roots, settings.sources);
    this.rollupPrices = this.prices;
    this.rollup = new StatusRollupKeeper({ prices: this.prices, priceOverrides: settings.prices, calendar: this.calendar, budget: this.budget });
  }

  /**
   * Opt-in (`tokenmeter.priceDataRefresh`): price with the cached refreshed data, then refresh it in the
   * background when older than a day. Never blocks a scan; on failure the bundled prices stay and the
   * reason is logged.
   */
  private async refreshPrices(settings: Settings): Promise<void> {
    const file = priceDataCacheFile();
    const use = (refreshed: RefreshedPriceData | undefined) => {
      if (!refreshed || this.disposed) return;
      this.prices = new PriceTable(settings.prices, { refreshed });
      if (this.state.kind === 'ready') this.publish();
    };
    use(await readCachedPriceData(file));
    try {
      use(await refreshPriceData({ file, nowMs: Date.now() }));
    } catch (err) {
      this.log(err instanceof Error ? err.message : String(err));
    }
  }

  /** Starts reading; resolves after the first numbers are shown. */
  async start(): Promise<void> {
    const started = Date.now();
    if (this.priceDataRefresh) void this.refreshPrices(this.priceDataRefresh).catch((err: unknown) => this.log(String(err)));
    // The first number needs today's rows of the index and the rollup of the rest (the last month of rows without
    // one); the rest of the status window's rows are read right after it, before the first pass. Older rows stay
    // on disk: a report or a whole save reads them and they are given back (releaseOlderIfIdle), so that what the
    // editor holds follows the window, not the length of the history (docs/benchmarks.md, session 18, c19mem3).
    // (Not on Windows: there a file held open may refuse the rename that replaces it, the CLI's or another window's
    // save; the older rows are read after the first number instead, and held.)
    const olderOnDisk = this.olderOnDisk;
    const loaded = await loadIndex(this.indexPath, this.scanner, { sinceMs: this.rollup.rowsNeededFromMs(this.indexPath, started), olderOnDisk, onUnusable: (m) => this.log(m) });
    this.rollup.loaded(this.scanner.ledger);
    if (loaded) {
      this.log(`Loaded the usage index (${this.scanner.ledger.size} requests) in ${Date.now() - started} ms.`);
      this.publish();
      await (olderOnDisk ? loadRecentRows(this.scanner, statusWindowStartMs(started)) : loadOlderRows(this.scanner)).catch((error: unknown) => {
        // A damaged index: start over from the logs (the first pass reads everything).
        this.log(`Could not read the rest of the usage index (${String(error)}); reading all logs again.`);
        this.replaceLedger();
      });
    }
    await this.runPass('full');
    this.log(`Scanned ${this.scanner.stats.files} log files (${(this.scanner.stats.bytes / 1e6).toFixed(1)} MB) in ${Date.now() - started} ms: ` +
      `${this.scanner.ledger.size} requests, ${this.scanner.stats.duplicates} duplicate lines merged, ${this.scanner.stats.tally.malformedLines} malformed lines skipped.`);
    const folders = await this.logFolders();
    void this.saveIndexIfChanged();
    void this.watchFolders(folders).catch((error: unknown) => this.log(`Not watching the log folders: ${String(error)}`));
    this.every(quickPassMs, () => this.runPass('quick'));
    this.every(fullPassMs, () => this.runPass('periodic'));
    this.every(indexSaveMs, () => this.saveIndexIfChanged());
    this.every(recomputeMs, async () => {
      this.publish();
      this.scanner.ledger.releaseOlderIfIdle();
    });
  }

  /** Starts the ledger over (the logs are read again): the index file the old one kept open is closed. */
  private replaceLedger(): void {
    closeIndexOf(this.scanner.ledger);
    this.scanner.restore(new Ledger(), []);
  }

  /** New caps or thresholds: the same ledger, numbers recomputed and published. */
  setBudget(budget: Settings['budget']): void {
    this.budget = budget;
    if (this.state.kind === 'ready' || this.state.kind === 'error') this.publish();
  }

  /** A full pass now. Rejects when reading the logs failed (the pass logs it and shows the error state), so Refresh says so. */
  async refresh(): Promise<void> {
    await this.runPass('full');
    if (this.state.kind === 'error') throw new Error(this.state.message);
  }

  private every(ms: number, work: () => Promise<unknown>): void {
    let running = false;
    const handle = setInterval(() => {
      if (running || this.disposed) return;
      running = true;
      work().catch((e: unknown) => this.log(`Background update failed: ${String(e)}`)).finally(() => (running = false));
    }, ms);
    this.disposables.push({ dispose: () => clearInterval(handle) });
  }

  /** 'periodic': every 30 s, warm while the watchers cover every folder; 'full': at start and on Refresh. */
  private async runPass(kind: 'quick' | 'periodic' | 'full'): Promise<void> {
    const full = kind !== 'quick';
    const warm = kind === 'periodic' && this.watchingAll;
    // A warm pass reads only the last day's files: what the watchers reported stays for the next quick pass.
    const changedPaths = warm ? [] : [...this.changedPaths];
    if (!warm) this.changedPaths.clear();
    if (!full && changedPaths.length === 0 && !this.scanner.anyWrittenSince(Date.now() - 10 * 60_000)) return;
    try {
      const changed = kind === 'periodic' ? await this.scanner.periodicRefresh(warm) : await this.scanner.refresh({ full, changedPaths });
      for (const failed of this.scanner.stats.failedFiles) this.log(`Could not read ${failed.path}: ${failed.reason}`);
      if (changed || full || this.state.kind === 'starting') this.publish();
    } catch (error) {
      const message = `Reading agent logs failed: ${error instanceof Error ? error.message : String(error)}`;
      this.log(message);
      this.setState({ kind: 'error', message, estimatedSpend: this.state.kind === 'ready' ? this.state.estimatedSpend : undefined });
    }
  }

  private publish(): void {
    if (this.disposed) return;
    if (this.scanner.ledger.size === 0 && this.scanner.fileCount === 0) {
      this.setState({ kind: 'no-logs', roots: this.roots });
      return;
    }
    const nowMs = Date.now();
    // Today's rows and the rollup of the rest of the month (same numbers as the rows, see StatusRollupKeeper): the
    // first number and every one after it while the rollup matches (each index save writes it for the rows saved,
    // changes since are applied to a copy). Otherwise, or at refreshed prices, the month of rows: ~5 MB of objects
    // a status at 1.5 GB of history, twice a 30-second pass (docs/benchmarks.md, extension host memory, session 17).
    const ledger = this.scanner.ledger;
    const rows = this.prices === this.rollupPrices ? this.rollup.statusRows(ledger, nowMs, this.budget) : { events: ledger.eventsSince(statusWindowStartMs(nowMs)) };
    const estimatedSpend = computeEstimatedSpend(rows.events, {
      prices: this.prices,
      calendar: this.calendar,
      nowMs,
      budget: this.budget,
      officialLimits: this.scanner.officialLimits(),
      closed: rows.closed,
    });
    this.setState({ kind: 'ready', estimatedSpend });
  }

  private setState(state: ServiceState): void {
    this.state = state;
    this.changed.fire(state);
  }

  /** Watches the log folders (a watcher per folder on Linux: see FolderTreeWatcher); a folder it cannot watch is polled. */
  private async watchFolders(folders: string[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    this.disposables.push({ dispose: () => timer && clearTimeout(timer) });
    const changed = (file: string) => {
      this.changedPaths.add(file);
      // Coalesce bursts of writes into one read shortly after.
      timer ??= setTimeout(() => {
        timer = undefined;
        void this.runPass('quick');
      }, 150);
    };
    let gaps = false;
    for (const folder of folders) {
      let watcher: { close(): void };
      try {
        watcher = await watchTree(folder, changed, (dir, error) => {
          // Also later (a new folder refused): from then on every 30-second pass lists every file.
          gaps = true;
          this.watchingAll = false;
          this.log(`Not watching ${dir} or below (${String(error)}); the regular passes read it.`);
        });
      } catch (error) {
        gaps = true;
        this.log(`Not watching ${folder} (${String(error)}); polling every second instead.`);
        continue;
      }
      if (this.disposed) watcher.close();
      else this.disposables.push({ dispose: () => watcher.close() });
    }
    this.watchingAll = !gaps && !this.disposed;
  }

  /** Says in the output channel what was found where; returns the log folders that exist, to watch. */
  private async logFolders(): Promise<string[]> {
    const isFolder = (dir: string) => fs.stat(dir).then((s) => s.isDirectory(), () => false);
    const candidates = logFolders(this.roots).map((f) => ({ label: f.source === 'claude' ? 'Claude Code' : 'Codex', dir: f.dir }));
    const found = await Promise.all(candidates.map((c) => isFolder(c.dir)));
    candidates.forEach((c, i) => this.log(`${c.label} logs: ${c.dir} ${found[i] ? '(found)' : '(not found)'}`));
    for (const { source, root } of await existingAgentRoots()) this.log(`${source} history: ${root} (found)`);
    // Unreadable files and folders, over-long lines and folders left out by the walk bounds: totals leave them out.
    const skipped = this.scanner.skipped();
    if (skipped.details.length > 0) this.log(`Skipped: ${skipped.unreadable} unreadable, ${skipped.overlongLines} over-long lines, ${skipped.notWalked} folders not walked.`);
    for (const d of skipped.details.slice(0, 50)) this.log(`Skipped ${d.path}: ${d.reason}`);
    return candidates.filter((_, i) => found[i]).map((c) => c.dir);
  }

  private async saveIndexIfChanged(): Promise<void> {
    if (this.scanner.ledger.version === this.lastSavedVersion || this.scanner.ledger.size === 0) return;
    this.lastSavedVersion = this.scanner.ledger.version;
    try {
      await saveIndex(this.indexPath, this.scanner);
    } catch (e) {
      this.log(`Could not save the usage index: ${String(e)}`);
      return;
    }
    // Saved whole (the first save of a cold start, a rebuild's, a delta grown too large): the ledger is read back
    // from that save as a warm start reads it, so that it holds the status window's rows, not every row of the
    // history, from now on (docs/benchmarks.md, session 19, c19mem4). Before the rollup's save, which follows it.
    if (this.olderOnDisk && !this.disposed) {
      const before = this.scanner.ledger.size;
      const rebased = await rebaseOnIndex(this.indexPath, this.scanner, statusWindowStartMs(Date.now())).catch((e: unknown) => {
        this.log(`Could not read back the usage index just saved (${String(e)}); the ledger keeps every row.`);
        return false;
      });
      if (rebased) {
        this.lastSavedVersion = this.scanner.ledger.version;
        this.log(`Holding the status window's ${this.scanner.ledger.held.rows} of ${before} requests; the rest stay in the usage index.`);
        // Disposed meanwhile: dispose closed the ledger it saw, not this one.
        if (this.disposed) closeIndexOf(this.scanner.ledger);
      }
    }
    // Costed at the prices the service started with; after opt-in refreshed prices replace them, the CLI's own
    // rollup (at those prices) is left alone.
    if (this.prices === this.rollupPrices) await this.rollup.save(this.scanner.ledger, Date.now()).catch((e: unknown) => this.log(`Could not save the status rollup: ${String(e)}`));
  }

  dispose(): void {
    this.disposed = true;
    const ledger = this.scanner.ledger;
    void this.saveIndexIfChanged().finally(() => closeIndexOf(ledger));
    for (const d of this.disposables.reverse()) d.dispose();
    this.changed.dispose();
  }
}
