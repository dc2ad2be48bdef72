#!/usr/bin/env node
// Idempotent install of a real VS Code host (code-server 4.100.3 = VS Code 1.100.3 + web workbench) and
// playwright-core into the git-ignored `.vscode-host/` folder, outside the extension's own dependencies.
// Recipe: ../shared/VSCODE-HOST.md. Usage: `node test/host/installHost.mjs [--force]`.
// The Debian packages (chromium libkrb5-dev pkg-config ripgrep) are installed by `.ci/run` (as root).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const PLAYWRIGHT_CORE_VERSION = '1.65.1';
export const CHROMIUM_PATH = process.env.TOKENMETER_CHROMIUM ?? '/usr/bin/chromium';
// @vscode/ripgrep version / ripgrep tag used by code-server 4.100.3's dependency tree.
const RIPGREP_CACHE_NAME = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const hostDir = process.env.TOKENMETER_HOST_DIR ?? path.join(repoRoot, '.vscode-host');
export const codeServerBin = path.join(hostDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function installedVersion(pkg) {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(hostDir, 'node_modules', pkg, 'package.json'), 'utf8'));
    return json.version;
  } catch {
    return undefined;
  }
}

/** True when both npm packages are installed at the pinned versions (and code-server's entry point exists). */
export function isHostInstalled() {
  return (
    installedVersion('code-server') === CODE_SERVER_VERSION &&
    installedVersion('playwright-core') === PLAYWRIGHT_CORE_VERSION &&
    fs.existsSync(codeServerBin)
  );
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const APT_HINT =
  'sudo apt-get update && sudo apt-get install -y chromium libkrb5-dev pkg-config ripgrep   (Debian/Ubuntu; .ci/run does this as root)';

/** Throws with a clear next step when Chromium is missing. */
export function checkChromium() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Next step:\n  ${APT_HINT}\n` +
        '(or point TOKENMETER_CHROMIUM at another Chromium/Chrome binary)',
    );
  }
}

function seedRipgrepCache() {
  // @vscode/ripgrep's postinstall downloads rg from GitHub (offline here); it looks in this cache dir first.
  const cacheDir = path.join(os.tmpdir(), RIPGREP_CACHE_NAME);
  const asset = path.join(cacheDir, RIPGREP_ASSET);
  if (fs.existsSync(asset)) return;
  const rg = process.platform === 'linux' && process.arch === 'x64' ? which('rg') : undefined;
  if (!rg) {
    // Fine with internet access (the postinstall downloads rg from GitHub); offline it fails later with a clear npm error.
    console.warn(`[installHost] not seeding @vscode/ripgrep's cache (needs Linux x64 and rg: ${APT_HINT})`);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-rg-'));
  try {
    fs.copyFileSync(rg, path.join(tmp, 'rg'));
    fs.chmodSync(path.join(tmp, 'rg'), 0o755);
    fs.mkdirSync(cacheDir, { recursive: true });
    execFileSync('tar', ['czf', asset, '-C', tmp, 'rg'], { stdio: 'inherit' });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Installs the host unless already present. Returns { installed: boolean, ms: number }.
 * @param {{ force?: boolean, log?: (line: string) => void }} [options]
 */
export function installHost(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const started = Date.now();
  if (!options.force && isHostInstalled()) {
    log(`[installHost] code-server ${CODE_SERVER_VERSION} + playwright-core ${PLAYWRIGHT_CORE_VERSION} already in ${hostDir}`);
    checkChromium();
    return { installed: false, ms: Date.now() - started };
  }
  log(`[installHost] installing code-server@${CODE_SERVER_VERSION} playwright-core@${PLAYWRIGHT_CORE_VERSION} into ${hostDir} (about 1-2 min)`);
  seedRipgrepCache();
  fs.mkdirSync(hostDir, { recursive: true });
  const pkgJson = path.join(hostDir, 'package.json');
  if (!fs.existsSync(pkgJson)) fs.writeFileSync(pkgJson, '{"private":true}\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    ['install', '--no-audit', '--no-fund', '--save-exact', `code-server@${CODE_SERVER_VERSION}`, `playwright-core@${PLAYWRIGHT_CORE_VERSION}`],
    {
      cwd: hostDir,
      stdio: 'inherit',
      env: {
        ...process.env,
        // code-server's postinstall refuses to run as root without unsafe_perm.
        npm_config_unsafe_perm: 'true',
        // node-pty's postinstall runs `npx node-gyp`; an npmrc with yes=false would make it hang/fail.
        npm_config_yes: 'true',
      },
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `npm install in ${hostDir} failed (exit ${result.status}). If a native module failed to build, check:\n  ${APT_HINT}`,
    );
  }
  if (!isHostInstalled()) throw new Error(`npm install finished but ${codeServerBin} is missing`);
  const ms = Date.now() - started;
  log(`[installHost] done in ${(ms / 1000).toFixed(1)} s`);
  checkChromium();
  return { installed: true, ms };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    installHost({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error(`[installHost] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
