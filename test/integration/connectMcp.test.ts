// "Tokenmeter: Connect MCP to Claude Code / Codex / Cline" in the real extension host, on the harness's
// CODEX_HOME: the agent is picked and the change confirmed by answering the editor's own prompts (the
// extension and these tests share one `vscode` API object), and the file is checked on disk.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

type Window = Record<'showQuickPick' | 'showWarningMessage' | 'showInformationMessage', (...args: unknown[]) => unknown>;

describe('Connect MCP in a real VS Code host', () => {
  const win = vscode.window as unknown as Window;
  const saved = { showQuickPick: win.showQuickPick, showWarningMessage: win.showWarningMessage, showInformationMessage: win.showInformationMessage };
  const codexHome = process.env.CODEX_HOME ?? '';
  const file = path.join(codexHome, 'config.toml');
  const original = '# my Codex settings\r\nmodel = "gpt-5-codex"\r\n\r\n[mcp_servers.context7]\r\ncommand = "npx"\r\nargs = ["-y", "@upstash/context7-mcp"]\r\n';
  const asked: { message: string; detail: string }[] = [];

  before(async () => {
    assert.ok(codexHome, 'the harness sets CODEX_HOME');
    await fs.writeFile(file, original);
    win.showQuickPick = async (items: unknown) => (await (items as Promise<{ id: string }[]>)).find((i) => i.id === 'codex');
    win.showWarningMessage = async (message: unknown, options: unknown, verb: unknown) => {
      asked.push({ message: String(message), detail: String((options as { detail?: string }).detail) });
      return verb;
    };
    win.showInformationMessage = async () => undefined;
  });

  after(async () => {
    Object.assign(win, saved);
    await fs.rm(file, { force: true });
    await fs.rm(`${file}.tokenmeter-backup`, { force: true });
  });

  it('shows the change, adds [mcp_servers.tokenmeter] on confirmation, and Disconnect restores the file byte for byte', async () => {
    await vscode.commands.executeCommand('tokenmeter.connectMcp');
    assert.equal(asked.length, 1);
    assert.match(asked[0].message, /Codex/);
    assert.ok(asked[0].message.includes(file), asked[0].message);
    assert.match(asked[0].detail, /\[mcp_servers\.tokenmeter\]/);
    assert.match(asked[0].detail, /codex mcp add tokenmeter -- node .*cli\.js mcp/);
    const text = await fs.readFile(file, 'utf8');
    assert.ok(text.startsWith(original), text);
    const cli = /args = \["(.*?)", "mcp"\]\r\n$/.exec(text)?.[1] ?? '';
    assert.ok(cli.endsWith(path.join('dist', 'cli.js')) && existsSync(JSON.parse(`"${cli}"`)), `the registered CLI exists: ${cli}`);
    assert.equal(await fs.readFile(`${file}.tokenmeter-backup`, 'utf8'), original);

    await vscode.commands.executeCommand('tokenmeter.disconnectMcp');
    assert.equal(asked.length, 2);
    assert.match(asked[1].message, /Remove/);
    assert.equal(await fs.readFile(file, 'utf8'), original);
  });
});
