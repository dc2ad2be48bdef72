import * as vscode from 'vscode';
import { endpointSourceConfigSchema } from '../core/budgetReadingSchema';
import { budgetSettingsSchema, routingSettingsSchema, runawaySettingsSchema, settingsSchema, type Settings } from '../core/settings';

/**
 * The only place that reads `tokenmeter.*`: parses it into one typed snapshot,
 * reports what it had to ignore, and says when it changes.
 */
export class SettingsReader implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Settings>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  current: Settings;

  constructor(private readonly log: (message: string) => void) {
    this.current = this.read();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('tokenmeter')) return;
      this.current = this.read();
      this.changed.fire(this.current);
    });
  }

  private read(): Settings {
    const config = vscode.workspace.getConfiguration('tokenmeter');
    // Folders to read and prices come from user (machine) settings only: an untrusted
    // workspace must not point Tokenmeter at its own files or change what it reports.
    const userValue = <T>(key: string): T | undefined => {
      const inspected = config.inspect<T>(key);
      return vscode.workspace.isTrusted ? config.get<T>(key) : inspected?.globalValue;
    };
    // Only values someone set: `get` on a section fills unset numbers with 0 (VS Code's default
    // for a number without one), which would read as a cap of $0.
    const setValue = <T>(key: string): T | undefined => {
      const i = config.inspect<T>(key);
      return vscode.workspace.isTrusted ? i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue : i?.globalValue;
    };
    // Anything that receives a key (endpoint URLs) or sends numbers somewhere (the request URL)
    // comes from user/machine settings only, trusted workspace or not.
    const globalOnly = <T>(key: string): T | undefined => config.inspect<T>(key)?.globalValue;
    const section = (name: string, keys: readonly string[], userOnly: readonly string[] = []) =>
      Object.fromEntries(keys.map((k) => [k, userOnly.includes(k) ? globalOnly(`${name}.${k}`) : setValue(`${name}.${k}`)]).filter(([, v]) => v !== undefined));
    const raw = {
      budget: section('budget', Object.keys(budgetSettingsSchema.shape), ['requestUrl']),
      endpoints: {
        sources: this.validSources(globalOnly<unknown>('endpoints.sources')),
        ...section('endpoints', ['pollIntervalMs', 'pauseWhenUnfocusedMs', 'copilot'], ['pollIntervalMs', 'pauseWhenUnfocusedMs', 'copilot']),
      },
      routing: section('routing', Object.keys(routingSettingsSchema.shape)),
      runaway: section('runaway', Object.keys(runawaySettingsSchema.shape)),
      display: section('display', ['currency', 'cnyPerUsd']),
      plan: setValue<string>('plan'),
      sources: userValue<object>('sources'),
      claudeConfigDirs: config.inspect<string[]>('claudeConfigDirs')?.globalValue,
      codexHomes: config.inspect<string[]>('codexHomes')?.globalValue,
      timeZone: userValue<string>('timeZone'),
      prices: config.inspect<object>('prices')?.globalValue,
    };
    const parsed = settingsSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) this.log(`Ignoring setting tokenmeter.${issue.path.join('.')}: ${issue.message}`);
    // Keep every valid part: drop only the sections that failed.
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
    const cleaned = Object.fromEntries(Object.entries(raw).filter(([key]) => !bad.has(key)));
    return settingsSchema.parse(cleaned);
  }

  /** One bad budget source is skipped (and logged), not the whole list. */
  private validSources(raw: unknown): unknown[] | undefined {
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw)) {
      this.log('Ignoring setting tokenmeter.endpoints.sources: not a list.');
      return [];
    }
    return raw.flatMap((source, index) => {
      const parsed = endpointSourceConfigSchema.safeParse(source);
      if (parsed.success) return [source];
      for (const issue of parsed.error.issues) this.log(`Ignoring tokenmeter.endpoints.sources[${index}].${issue.path.join('.')}: ${issue.message}`);
      return [];
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
