// Where Claude Code, Codex and Cline keep their MCP servers, and the read → plan → write of one
// change there. The edit itself is pure (core/mcpClientConfig.ts); the write goes through
// settingsFile.ts (keeps mode, owner and symlink, refuses a meanwhile-changed file, one backup).
import * as os from 'node:os';
import * as path from 'node:path';
import { mcpEntryFor, mcpServerName, planCodexMcpTable, planJsonMcpEntry, type McpConfigPlan, type McpLaunch } from '../core/mcpClientConfig';
import { readSettingsFile, writeSettingsFile, type SettingsFileSnapshot } from './settingsFile';

export type McpClientId = 'claude' | 'codex' | 'cline';

export const mcpClientIds: readonly McpClientId[] = ['claude', 'codex', 'cline'];

/** Cline's extension id: its settings live in the editor's globalStorage under this folder. */
export const clineExtensionId = 'saoudrizwan.claude-dev';

export interface McpClientPaths {
  env: NodeJS.ProcessEnv;
  home?: string;
  /** The editor's globalStorage folder (the parent of each extension's own); needed for Cline only. */
  globalStorageDir?: string;
}

const firstDir = (list: string | undefined) => list?.split(',').map((d) => d.trim()).find(Boolean);

/**
 * The file each client reads its user-wide MCP servers from:
 * - Claude Code: `~/.claude.json` (top-level `mcpServers` = user scope, what `claude mcp add --scope user`
 *   writes); `$CLAUDE_CONFIG_DIR/.claude.json` when that is set.
 * - Codex: `$CODEX_HOME/config.toml`, else `~/.codex/config.toml`.
 * - Cline: `<globalStorage>/saoudrizwan.claude-dev/settings/cline_mcp_settings.json`.
 */
export function mcpConfigPath(client: McpClientId, where: McpClientPaths): string {
  const home = where.home ?? os.homedir();
  switch (client) {
    case 'claude': {
      const dir = firstDir(where.env.CLAUDE_CONFIG_DIR);
      return dir ? path.join(dir, '.claude.json') : path.join(home, '.claude.json');
    }
    case 'codex':
      return path.join(firstDir(where.env.CODEX_HOME) ?? path.join(home, '.codex'), 'config.toml');
    case 'cline':
      if (!where.globalStorageDir) throw new Error("Cline's settings folder is only known inside the editor");
      return path.join(where.globalStorageDir, clineExtensionId, 'settings', 'cline_mcp_settings.json');
  }
}

/** The same change by the client's own command, for the README and the confirmation (POSIX shell quoting). */
export function manualCommand(client: McpClientId, launch: McpLaunch | undefined): string | undefined {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const line = launch ? [launch.command, ...launch.args].map(q).join(' ') : '';
  switch (client) {
    case 'claude': return launch ? `claude mcp add --scope user ${mcpServerName} -- ${line}` : `claude mcp remove --scope user ${mcpServerName}`;
    case 'codex': return launch ? `codex mcp add ${mcpServerName} -- ${line}` : `codex mcp remove ${mcpServerName}`;
    case 'cline': return undefined; // Cline has no command line; its MCP panel edits the same file.
  }
}

export interface PlannedMcpChange {
  client: McpClientId;
  file: string;
  plan: McpConfigPlan;
  snapshot: SettingsFileSnapshot;
}

/** Reads the client's file and plans adding (`launch`) or removing (undefined) our server. Throws McpConfigError on a file it will not edit. */
export async function planMcpChange(client: McpClientId, where: McpClientPaths, launch: McpLaunch | undefined): Promise<PlannedMcpChange> {
  const file = mcpConfigPath(client, where);
  const snapshot = await readSettingsFile(file);
  const plan = client === 'codex'
    ? planCodexMcpTable(snapshot.text, file, launch)
    : planJsonMcpEntry(snapshot.text, file, launch ? mcpEntryFor(client, launch) : undefined);
  return { client, file, plan, snapshot };
}

/** Writes a planned change (nothing when unchanged). Throws SettingsFileError when the file changed since it was read. */
export async function applyMcpChange(change: PlannedMcpChange): Promise<{ backupPath?: string }> {
  if (change.plan.action === 'unchanged') return {};
  const written = await writeSettingsFile(change.snapshot, change.plan.text);
  return { backupPath: written.backupPath };
}
