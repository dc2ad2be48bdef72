// Writes a small Claude Code history (12 bug-fix and 5 feature sessions on Sonnet) under <claudeDir>/projects.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeHistory(claudeDir) {
let seed = 42; const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const prompts = {
  bug: ['fix the crash when saving an empty cart', 'The checkout total is wrong after a refund, fix it', 'fix the failing login test', '修复订单页面的报错', 'fix this bug: coupons apply twice', 'fix the 500 error on /api/orders'],
  feat: ['add CSV export to the reports page', 'implement a settings screen for notifications', 'add dark mode support'],
};
let n = 0;
const dir = join(claudeDir, 'projects', '-home-dev-shop');
mkdirSync(dir, { recursive: true });
function session(kind, i, requests) {
  const sid = `sess-${kind}-${i}`;
  const t0 = Date.UTC(2026, 10, 1 + (n++ % 20), 9, 0, 0);
  const lines = [JSON.stringify({ parentUuid: null, isSidechain: false, userType: 'external', cwd: '/home/dev/shop', sessionId: sid, type: 'user', message: { role: 'user', content: prompts[kind][i % prompts[kind].length] }, uuid: `u-${sid}`, timestamp: new Date(t0).toISOString() })];
  for (let r = 0; r < requests; r++) {
    const ts = new Date(t0 + (r + 1) * 20_000).toISOString();
    lines.push(JSON.stringify({ parentUuid: null, isSidechain: false, userType: 'external', cwd: '/home/dev/shop', sessionId: sid, version: '2.0.37', message: { id: `msg_${sid}_${r}`, model: 'claude-sonnet-4-5-20250929', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'ok' }], usage: { input_tokens: 20 + Math.round(rnd() * 200), cache_creation_input_tokens: 1500 + Math.round(rnd() * 3000), cache_read_input_tokens: 18_000 + r * 2_500, output_tokens: 200 + Math.round(rnd() * 900) } }, requestId: `req_${sid}_${r}`, type: 'assistant', uuid: `a-${sid}-${r}`, timestamp: ts }));
  }
  writeFileSync(`${dir}/${sid}.jsonl`, lines.join('\n') + '\n');
}
for (let i = 0; i < 12; i++) session('bug', i, 6 + Math.round(rnd() * 30));
for (let i = 0; i < 5; i++) session('feat', i, 20 + Math.round(rnd() * 40));
}
