#!/usr/bin/env node
// `npm start` (= `npm run build && node test/host/start.mjs`): the extension, freshly built, running in a real VS Code
// (code-server 4.100.3, in your browser) on 127.0.0.1, in development mode, with this repository as the workspace.
//  - Your own Claude Code / Codex logs when there are any (CLAUDE_CONFIG_DIR, ~/.config/claude, ~/.claude,
//    CODEX_HOME, ~/.codex); otherwise generated demo logs in a temp dir (a new request is appended every 30 s so
//    you can watch the status bar follow).
//  - First run installs the host into .vscode-host/ (about a minute); later runs start in a few seconds.
//  - Prints the URL to open. Ctrl+C stops everything.
// Options: --demo        use demo logs even if you have real ones
//          --port N      port (default: TOKENMETER_PORT, else 8765 when free, else any free port)
//          --check       also open it headless once and print what the status bar shows (self-test)
//          --fresh       start from a fresh VS Code profile (default: kept in .vscode-host/profile/)
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendClaudeUsage, writeDemoLogs } from './demoLogs.mjs';
import { hostDir, installHost } from './installHost.mjs';
import { closePage, freePort, openWorkbench, repoRoot, serverLogTail, startHost, stopHost, visibleText, waitForStatusBarItem, workbenchUrl } from './host.mjs';

const argv = process.argv.slice(2);
const forceDemo = argv.includes('--demo');
const selfCheck = argv.includes('--check');
const fresh = argv.includes('--fresh');
const portArg = argv.includes('--port') ? Number(argv[argv.indexOf('--port') + 1]) : Number(process.env.TOKENMETER_PORT || 0);

function isDir(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** True when `dir` holds a .jsonl file within a few levels (an empty ~/.claude/projects does not count). */
function hasJsonl(dir, depth = 5) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  if (entries.some((e) => e.isFile() && e.name.endsWith('.jsonl'))) return true;
  return depth > 0 && entries.some((e) => e.isDirectory() && hasJsonl(path.join(dir, e.name), depth - 1));
}

/** Where the agents keep their logs on this machine (same discovery rules as the extension). */
function realLogDirs() {
  const home = os.homedir();
  const claude = process.env.CLAUDE_CONFIG_DIR
    ? process.env.CLAUDE_CONFIG_DIR.split(',').map((d) => d.trim()).filter(Boolean)
    : [path.join(home, '.config', 'claude'), path.join(home, '.claude')];
  const codex = process.env.CODEX_HOME ? [process.env.CODEX_HOME] : [path.join(home, '.codex')];
  return [
    ...claude.map((d) => path.join(d, 'projects')),
    ...codex.flatMap((d) => [path.join(d, 'sessions'), path.join(d, 'archived_sessions')]),
  ].filter((d) => isDir(d) && hasJsonl(d));
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function main() {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js missing: run `npm start` (it builds first) or `npm run build`');
  }
  installHost({ log: (line) => console.log(line) });

  const env = {};
  let demoDir;
  let demoSessionFile;
  const found = forceDemo ? [] : realLogDirs();
  if (found.length > 0) {
    console.log(`Using your agent logs:\n${found.map((d) => `  ${d}`).join('\n')}`);
  } else {
    demoDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-demo-'));
    const demo = writeDemoLogs(demoDir, { seed: Date.now() % 100000 });
    env.CLAUDE_CONFIG_DIR = demo.claudeConfigDir;
    env.CODEX_HOME = demo.codexHome;
    demoSessionFile = demo.files.find((f) => f.includes(`${path.sep}projects${path.sep}`) && !f.includes(`${path.sep}subagents${path.sep}`));
    console.log(`${forceDemo ? 'Demo logs (--demo)' : 'No Claude Code / Codex logs found here; using demo logs'}:`);
    console.log(`  CLAUDE_CONFIG_DIR=${demo.claudeConfigDir}\n  CODEX_HOME=${demo.codexHome}`);
  }

  let port = portArg;
  if (!port) port = (await portIsFree(8765)) ? 8765 : await freePort();
  const profileDir = path.join(hostDir, 'profile');
  const host = await startHost({
    workspaceDir: repoRoot,
    port,
    env,
    userDataDir: fresh ? undefined : path.join(profileDir, 'user-data'),
    extensionsDir: fresh ? undefined : path.join(profileDir, 'extensions'),
  });

  let stopping = false;
  let timer;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    console.log('\nStopping code-server…');
    await stopHost(host);
    if (demoDir) fs.rmSync(demoDir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  process.on('SIGHUP', () => stop(0));
  host.child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`code-server exited (${code ?? signal}). Last log lines:\n${serverLogTail(host)}`);
    stop(1);
  });

  const url = workbenchUrl(host, { folder: repoRoot, extensionDevelopmentPath: repoRoot });
  if (selfCheck) {
    const page = await openWorkbench(host, { folder: repoRoot, extensionDevelopmentPath: repoRoot });
    const item = await waitForStatusBarItem(page, { idPrefix: 'tokenmeter.tokenmeter.' }, 60_000).catch(() => undefined);
    console.log(item ? `Self-check: status bar shows "${await visibleText(item)}"` : 'Self-check: Tokenmeter status bar item did not appear within 60 s');
    await closePage(page);
    if (host.browser) {
      await host.browser.close();
      host.browser = undefined;
    }
  }
  if (demoSessionFile) {
    // Keep the demo alive: a new billed request every 30 s, so the status bar visibly follows the logs.
    timer = setInterval(() => appendClaudeUsage(demoSessionFile, { nowMs: Date.now() }), 30_000);
  }
  console.log(`
Tokenmeter is running in VS Code (code-server 4.100.3) — open this URL in your browser:

  ${url}

(The extension loads in development mode from ${repoRoot}; after \`npm run build\` reload the window to pick up
changes. On a remote machine, forward the port first: ssh -L ${port}:127.0.0.1:${port} <host>.)
Press Ctrl+C to stop.`);
}

main().catch(async (error) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
