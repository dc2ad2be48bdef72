import * as vscode from 'vscode';
import { redactSecrets } from '../core/redactSecrets';
import { sourceNameOf, type EndpointSourceConfig } from '../core/endpointConfig';
import type { BudgetReading, PlanQuota } from '../core/budgetReading';
import { claudePlanQuotas, type StatusLineSnapshot } from '../core/claudeStatusLine';
import { claudeWindowReadings, type WindowReading } from '../core/pacing';
import type { PlanWindowInput } from '../core/status/limit';
import type { EndpointsSettings } from '../core/settings';
import { BudgetPoller, fetchCopilotQuota, FilePollCache, sourceRequiresKey, type BudgetPollerChange } from '../sources/endpoints';
import { defaultStateDir, readStatusLineSnapshotAsync } from '../sources/statusLineStore';

/** A configured budget source and the SecretStorage entry that holds its key. */
export interface ConfiguredSource {
  id: string;
  config: EndpointSourceConfig;
  needsKey: boolean;
}

export function secretKeyOf(sourceId: string): string {
  return `tokenmeter.apiKey.${sourceId}`;
}

/** Ids are the source's name, else `type#n`: stable as long as the settings are. */
export function configuredSources(settings: EndpointsSettings): ConfiguredSource[] {
  const used = new Set<string>();
  return settings.sources.map((config) => {
    let id = config.name ?? config.type;
    for (let n = 2; used.has(id); n++) id = `${config.name ?? config.type}#${n}`;
    used.add(id);
    return { id, config, needsKey: sourceRequiresKey(config) };
  });
}

const statusLineCheckMs = 5_000;
/** Copilot's monthly quota moves slowly; no need to ask GitHub every minute. */
const copilotMinIntervalMs = 5 * 60_000;

/**
 * Budget endpoints (polled, keys from SecretStorage) and the Claude plan quota recorded by
 * `tokenmeter statusline`, for one settings lifetime. Polling pauses while the window has been
 * in the background for long and catches up on focus; several windows share one poll.
 */
export class BudgetService implements vscode.Disposable {
  readonly sources: ConfiguredSource[];
  readonly stateDir = defaultStateDir();
  private readonly poller: BudgetPoller | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** Keys read this session, so that every message can be redacted against all of them. */
  private readonly knownSecrets = new Set<string>();
  private statusLine: StatusLineSnapshot | undefined;
  private copilot: PlanQuota | undefined;
  private copilotError: string | undefined;
  private pauseTimer: NodeJS.Timeout | undefined;

  constructor(
    settings: EndpointsSettings,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: (message: string) => void,
    private readonly onEndpointError: (sourceId: string, message: string, isAuth: boolean) => void,
  ) {
    this.sources = configuredSources(settings);
    if (this.sources.length > 0) {
      const poller = new BudgetPoller({
        sources: this.sources.map((s) => ({ id: s.id, config: s.config, getApiKey: () => this.apiKey(s.id) })),
        pollIntervalMs: settings.pollIntervalMs,
        cache: new FilePollCache(this.stateDir),
        authHint: `Run "Tokenmeter: Set API Key".`,
      });
      this.poller = poller;
      this.disposables.push(poller.onDidChange((change) => this.onPoll(change)));
      this.disposables.push({ dispose: () => poller.dispose() });
      this.disposables.push(vscode.window.onDidChangeWindowState((state) => this.onWindowState(state.focused, settings.pauseWhenUnfocusedMs)));
      this.disposables.push(secrets.onDidChange((e) => {
        if (this.sources.some((s) => secretKeyOf(s.id) === e.key)) void poller.refreshNow();
      }));
      if (!vscode.window.state.focused) this.onWindowState(false, settings.pauseWhenUnfocusedMs);
      poller.start();
      this.log(`Polling ${this.sources.length} budget endpoint${this.sources.length === 1 ? '' : 's'} every ${Math.round(settings.pollIntervalMs / 1000)} s: ${this.sources.map((s) => s.id).join(', ')}.`);
    }
    if (settings.copilot) {
      const every = setInterval(() => void this.pollCopilot(), Math.max(copilotMinIntervalMs, settings.pollIntervalMs));
      this.disposables.push({ dispose: () => clearInterval(every) });
      void this.pollCopilot();
    }
    const check = setInterval(() => void this.readStatusLine(), statusLineCheckMs);
    this.disposables.push({ dispose: () => clearInterval(check) });
    void this.readStatusLine();
  }

  private async apiKey(sourceId: string): Promise<string | undefined> {
    const key = await this.secrets.get(secretKeyOf(sourceId));
    if (key) this.knownSecrets.add(key);
    return key;
  }

  /** Removes every key this window has read from `text`. */
  redact(text: string): string {
    return redactSecrets(text, [...this.knownSecrets]);
  }

  private onPoll(change: BudgetPollerChange): void {
    if (change.error) {
      const message = this.redact(change.error.message);
      if (change.isNewError) {
        this.log(`Budget endpoint ${change.sourceId}: ${message}`);
        const isAuth = change.error.kind === 'auth' || change.error.kind === 'missingKey' || change.error.kind === 'forbidden';
        this.onEndpointError(change.sourceId, message, isAuth);
      }
    } else if (change.recovered) {
      this.log(`Budget endpoint ${change.sourceId} answers again.`);
    }
    this.changed.fire();
  }

  private onWindowState(focused: boolean, pauseAfterMs: number): void {
    if (focused) {
      if (this.pauseTimer) clearTimeout(this.pauseTimer);
      this.pauseTimer = undefined;
      this.poller?.resume();
      void this.readStatusLine();
      return;
    }
    if (pauseAfterMs <= 0 || this.pauseTimer) return;
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = undefined;
      this.poller?.pause();
      this.log('Budget polling paused: the window has been in the background for a while.');
    }, pauseAfterMs);
  }

  private async readStatusLine(): Promise<void> {
    let snapshot: StatusLineSnapshot | undefined;
    try {
      snapshot = await readStatusLineSnapshotAsync(this.stateDir);
    } catch (error) {
      this.log(`Could not read the Claude Code status line record: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (snapshot?.recordedAtMs === this.statusLine?.recordedAtMs) return;
    this.statusLine = snapshot;
    this.changed.fire();
  }

  /** Copilot premium requests through VS Code's GitHub sign-in (silent: never prompts; sign in from the Accounts menu). */
  private async pollCopilot(): Promise<void> {
    if (!vscode.window.state.focused && this.copilot) return;
    let token: string | undefined;
    try {
      const session = await vscode.authentication.getSession('github', ['user:email'], { silent: true });
      token = session?.accessToken;
      if (!token) throw new Error('Not signed in to GitHub in VS Code; sign in from the Accounts menu to see the Copilot quota.');
      this.knownSecrets.add(token);
      this.copilot = await fetchCopilotQuota({ apiKey: token, nowMs: Date.now() });
      this.copilotError = undefined;
    } catch (error) {
      const message = this.redact(error instanceof Error ? error.message : String(error));
      if (message !== this.copilotError) this.log(`GitHub Copilot quota: ${message}`);
      this.copilotError = message;
      if (this.copilot) this.copilot = { ...this.copilot, stale: true, error: message };
    }
    this.changed.fire();
  }

  readings(): BudgetReading[] {
    return (this.poller?.readings() ?? []).map((r) => (r.error ? { ...r, error: this.redact(r.error) } : r));
  }

  /** Claude's official plan windows, as recorded by the status line command. */
  planQuotas(nowMs: number): PlanWindowInput[] {
    return [...(this.statusLine ? claudePlanQuotas(this.statusLine, nowMs) : []), ...(this.copilot ? [this.copilot] : [])];
  }

  /** The same windows as pacing readings (used %, reset, when recorded). */
  windowReadings(): WindowReading[] {
    return this.statusLine ? claudeWindowReadings(this.statusLine) : [];
  }

  get hasStatusLine(): boolean {
    return this.statusLine !== undefined;
  }

  async refreshNow(): Promise<void> {
    await this.poller?.refreshNow();
    await this.readStatusLine();
  }

  sourceLabel(sourceId: string): string {
    const s = this.sources.find((x) => x.id === sourceId);
    return s ? `${sourceNameOf(s.config)} (${s.config.type})` : sourceId;
  }

  dispose(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    for (const d of this.disposables.reverse()) d.dispose();
    this.changed.dispose();
  }
}
