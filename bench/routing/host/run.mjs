// Real-VS-Code-host check of "Tokenmeter: Estimate Task Cost": builds a harness extension that registers the real
// handler (src/ui/commands/estimateTaskCost.ts) on the real scanner and prices, generates a small Claude history,
// runs the command from the palette in code-server + Chromium, and saves screenshots to test-results/.
// Needs the host (node test/host/installHost.mjs). Run: node bench/routing/host/run.mjs
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { openWorkbench, runCommand, screenshot, serverLogTail, startHost, stopHost } from '../../../test/host/host.mjs';
import { writeHistory } from './genHistory.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-estimate-'));
const extDir = path.join(work, 'ext');
const claudeDir = path.join(work, 'claude');
const workspace = path.join(work, 'ws');
fs.mkdirSync(path.join(workspace, 'src'), { recursive: true });
fs.mkdirSync(extDir, { recursive: true });
fs.copyFileSync(path.join(here, 'package.json'), path.join(extDir, 'package.json'));
await esbuild.build({ entryPoints: [path.join(here, 'extension.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], outfile: path.join(extDir, 'dist', 'extension.js'), logLevel: 'warning' });
writeHistory(claudeDir);
fs.writeFileSync(path.join(workspace, 'src', 'cart.ts'), 'export interface Line { sku: string; price: number; qty: number }\nexport function total(lines: Line[], couponUsd = 0): number {\n  const sum = lines.reduce((s, l) => s + l.price * l.qty, 0);\n  return Math.max(0, sum - couponUsd);\n}\n');

const host = await startHost({ workspaceDir: workspace, env: { CLAUDE_CONFIG_DIR: claudeDir, CODEX_HOME: path.join(work, 'no-codex'), TZ: 'UTC' }, settings: { 'workbench.colorTheme': 'Default Dark Modern' } });
let failed = false;
try {
  const page = await openWorkbench(host, { folder: workspace, extensionDevelopmentPath: extDir, viewport: { width: 1400, height: 900 } });
  await sleep(4000);
  await runCommand(page, 'Tokenmeter: Estimate Task Cost', 30_000);
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Estimate Task Cost' }).waitFor({ state: 'visible', timeout: 30_000 });
  await sleep(500);
  await page.locator('.quick-input-widget input').fill('Fix the rounding bug in the cart total when a coupon is applied');
  await screenshot(page, 'estimate-1-input.png');
  await page.keyboard.press('Enter');
  const workspaceRow = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Workspace files' });
  await workspaceRow.waitFor({ state: 'visible', timeout: 15_000 });
  await sleep(400);
  await screenshot(page, 'estimate-2-context.png');
  await workspaceRow.click();
  const toast = page.locator('.notification-toast', { hasText: 'Copy Estimate' });
  await toast.waitFor({ state: 'visible', timeout: 60_000 });
  await sleep(3000);
  console.log(`notification: ${(await toast.innerText()).replace(/\s+/g, ' ')}`);
  console.log(`saved ${await screenshot(page, 'estimate-3-result.png')}`);
} catch (error) {
  failed = true;
  console.error('FAILED', error, serverLogTail(host));
} finally {
  await stopHost(host);
  fs.rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
