import * as vscode from 'vscode';
import { settingsSchema, type Settings } from '../core/settings';

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
    const raw = {
      budget: userValue<object>('budget') ?? {},
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

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
