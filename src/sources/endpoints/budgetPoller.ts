import { sourceNameOf, type EndpointSourceConfig } from '../../core/endpointConfig';
import type { BudgetReading } from '../../core/budgetReading';
import { EndpointError, type EndpointErrorKind, type FetchImpl } from './http';
import { defaultScope, describeError, fetchSourceReadings } from './fetchSource';
import { pollCacheKey, type PollCache } from './sharedPollCache';

export interface PolledSource {
  /** Unique among the poller's sources (e.g. the config name, or `${type}#${index}`). */
  id: string;
  config: EndpointSourceConfig;
  /** Reads the key when a poll starts (SecretStorage in the extension), so a new key applies at the next poll. */
  getApiKey?: () => Promise<string | undefined>;
}

export interface BudgetPollerOptions {
  sources: readonly PolledSource[];
  /** Default 60 s. */
  pollIntervalMs?: number;
  /** Each wait is the interval times 1 ± jitterRatio (default 0.1), so windows do not poll in lockstep. */
  jitterRatio?: number;
  /** First retry after a failure waits this long (default 5 s, at most the interval); doubles per failure. */
  retryBaseMs?: number;
  /** Cap for backoff and for Retry-After (default 15 min). */
  maxBackoffMs?: number;
  /** Per request, default 10 s. */
  timeoutMs?: number;
  fetchImpl?: FetchImpl;
  /** Appended to 401 messages; default "Run 'Tokenmeter: Set API Key'." */
  authHint?: string;
  now?: () => number;
  random?: () => number;
  /**
   * Shared with other windows (FilePollCache in the state folder): a scheduled poll first uses an
   * answer another window got within 90% of the interval. refreshNow() always asks the server.
   */
  cache?: PollCache;
}

export interface BudgetPollerChange {
  sourceId: string;
  /** All readings of all sources after this poll. */
  readings: BudgetReading[];
  /** Set when this poll failed. */
  error?: { kind: EndpointErrorKind | 'unknown'; message: string; status?: number };
  /** True when the error differs from the previous poll's: notify once on this, not on every failed poll. */
  isNewError: boolean;
  /** True when the source answered after one or more failures. */
  recovered: boolean;
  /** When this source polls next (epoch ms). */
  nextPollAtMs?: number;
  /** True when the readings came from another window's poll (shared cache), not a request. */
  fromCache: boolean;
}

interface SourceState {
  source: PolledSource;
  /** What the source last yielded: fresh readings, last good ones marked stale, or an error reading. */
  readings: BudgetReading[];
  lastGood?: BudgetReading[];
  lastError?: string;
  failures: number;
  timer?: ReturnType<typeof setTimeout>;
  nextDueMs?: number;
  inFlight?: Promise<void>;
  controller?: AbortController;
}

type Listener = (change: BudgetPollerChange) => void;

/**
 * Polls budget endpoints on an interval with jitter; on failure keeps the last good value marked
 * stale with the reason, backs off exponentially and honours Retry-After. No vscode import: the
 * extension subscribes with onDidChange and owns notifications.
 */
export class BudgetPoller {
  private readonly states: SourceState[];
  private readonly listeners = new Set<Listener>();
  private readonly pollIntervalMs: number;
  private readonly jitterRatio: number;
  private readonly retryBaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private started = false;
  private paused = false;
  private disposed = false;

  constructor(private readonly options: BudgetPollerOptions) {
    const ids = new Set<string>();
    for (const s of options.sources) {
      if (ids.has(s.id)) throw new Error(`BudgetPoller: duplicate source id "${s.id}"`);
      ids.add(s.id);
    }
    this.pollIntervalMs = options.pollIntervalMs ?? 60_000;
    this.jitterRatio = options.jitterRatio ?? 0.1;
    this.retryBaseMs = Math.min(options.retryBaseMs ?? 5_000, this.pollIntervalMs);
    this.maxBackoffMs = options.maxBackoffMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.states = options.sources.map((source) => ({ source, readings: [], failures: 0 }));
  }

  /** Polls every source now, then on the interval. */
  start(): void {
    if (this.disposed || this.started) return;
    this.started = true;
    for (const s of this.states) this.schedule(s, 0);
  }

  /** Current readings of every source, in source order. */
  readings(): BudgetReading[] {
    return this.states.flatMap((s) => s.readings);
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Polls every source now (joining polls already under way) and resolves with all readings. */
  async refreshNow(): Promise<BudgetReading[]> {
    if (this.disposed) return this.readings();
    await Promise.all(this.states.map((s) => s.inFlight ?? this.poll(s, true)));
    return this.readings();
  }

  /** Stops polling (e.g. the window lost focus long ago); in-flight requests finish. */
  pause(): void {
    this.paused = true;
    for (const s of this.states) this.clearTimer(s);
  }

  /** Resumes; sources whose poll came due while paused poll at once (catch up on focus). */
  resume(): void {
    if (this.disposed || !this.paused) return;
    this.paused = false;
    if (!this.started) return;
    const now = this.now();
    for (const s of this.states) {
      if (s.inFlight) continue;
      this.schedule(s, Math.max(0, (s.nextDueMs ?? now) - now));
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const s of [...this.states].reverse()) {
      this.clearTimer(s);
      s.controller?.abort();
    }
    this.listeners.clear();
  }

  private clearTimer(s: SourceState): void {
    if (s.timer !== undefined) clearTimeout(s.timer);
    s.timer = undefined;
  }

  private schedule(s: SourceState, delayMs: number): void {
    this.clearTimer(s);
    s.nextDueMs = this.now() + delayMs;
    if (this.paused || this.disposed) return;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void this.poll(s, false);
    }, delayMs);
    // Polling alone must not keep a CLI or test process alive.
    (s.timer as { unref?: () => void }).unref?.();
  }

  private jittered(ms: number): number {
    return Math.max(0, Math.round(ms * (1 + (this.random() * 2 - 1) * this.jitterRatio)));
  }

  private poll(s: SourceState, forced: boolean): Promise<void> {
    if (s.inFlight) return s.inFlight;
    this.clearTimer(s);
    const run = this.pollOnce(s, forced).then((change) => {
      // Listeners run once the poll is over, so a refreshNow() from a listener polls anew.
      s.inFlight = undefined;
      if (change && !this.disposed) this.emit(change);
    });
    s.inFlight = run;
    return run;
  }

  private emit(change: BudgetPollerChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // A listener's bug must not stop polling; the listener owns its own error reporting.
      }
    }
  }

  private async readCache(s: SourceState, nowMs: number): Promise<BudgetReading[] | undefined> {
    if (!this.options.cache) return undefined;
    try {
      return await this.options.cache.read(pollCacheKey(s.source.config), nowMs, this.pollIntervalMs * 0.9);
    } catch {
      return undefined; // An unreadable cache only means we poll ourselves.
    }
  }

  private async pollOnce(s: SourceState, forced: boolean): Promise<BudgetPollerChange | undefined> {
    const { config } = s.source;
    const controller = new AbortController();
    s.controller = controller;
    const startedAtMs = this.now();
    let apiKey: string | undefined;
    let change: BudgetPollerChange;
    try {
      const shared = forced || s.failures > 0 ? undefined : await this.readCache(s, startedAtMs);
      if (shared) {
        if (this.disposed) return undefined;
        s.lastGood = shared;
        s.readings = shared;
        this.schedule(s, this.jittered(this.pollIntervalMs));
        return { sourceId: s.source.id, readings: this.readings(), isNewError: false, recovered: false, nextPollAtMs: s.nextDueMs, fromCache: true };
      }
      apiKey = (await s.source.getApiKey?.()) || undefined;
      const fresh = await fetchSourceReadings(config, {
        apiKey,
        nowMs: startedAtMs,
        signal: controller.signal,
        fetchImpl: this.options.fetchImpl,
        timeoutMs: config.timeoutMs ?? this.options.timeoutMs,
        authHint: this.options.authHint,
      });
      if (this.disposed) return undefined;
      const recovered = s.failures > 0;
      s.failures = 0;
      s.lastError = undefined;
      s.lastGood = fresh;
      s.readings = fresh;
      this.schedule(s, this.jittered(this.pollIntervalMs));
      change = { sourceId: s.source.id, readings: this.readings(), isNewError: false, recovered, nextPollAtMs: s.nextDueMs, fromCache: false };
      // Sharing is an optimisation: if the write fails, other windows simply poll themselves.
      void this.options.cache?.write(pollCacheKey(config), fresh, startedAtMs).catch(() => undefined);
    } catch (err) {
      if (this.disposed) return undefined;
      const message = describeError(err, config, [apiKey]);
      const kind = err instanceof EndpointError ? err.kind : 'unknown';
      const status = err instanceof EndpointError ? err.status : undefined;
      s.failures += 1;
      const isNewError = message !== s.lastError;
      s.lastError = message;
      s.readings = s.lastGood
        ? s.lastGood.map((r) => ({ ...r, stale: true, error: message }))
        : [{ source: sourceNameOf(config), scope: defaultScope(config), fetchedAtMs: startedAtMs, stale: false, error: message }];
      const backoffMs = Math.min(this.maxBackoffMs, this.retryBaseMs * 2 ** (s.failures - 1));
      const retryAfterMs = err instanceof EndpointError ? err.retryAfterMs : undefined;
      const delayMs = retryAfterMs !== undefined ? Math.min(this.maxBackoffMs, Math.max(retryAfterMs, 1_000)) : this.jittered(backoffMs);
      this.schedule(s, delayMs);
      change = {
        sourceId: s.source.id,
        readings: this.readings(),
        error: { kind, message, status },
        isNewError,
        recovered: false,
        nextPollAtMs: s.nextDueMs,
        fromCache: false,
      };
    } finally {
      if (s.controller === controller) s.controller = undefined;
    }
    return change;
  }
}
