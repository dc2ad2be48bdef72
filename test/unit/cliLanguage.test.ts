// The CLI's human output in the user's language: --lang, else LC_ALL / LC_MESSAGES / LANG; the currency from
// tokenmeter.display.*. One child process per language (the reports read real fixture logs); --json never changes.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCommandArgs } from '../../src/cli/args';
import { cliFormatter, cliLanguage, displayWidth, renderTable } from '../../src/cli/common';
import { defaultSettings } from '../../src/core/defaultSettings';
import { sharedCli, unitCommands } from '../helpers/cliBundle';

const repo = path.resolve(__dirname, '../..');
const fixtures = path.join(repo, 'test', 'fixtures');
const args = (...argv: string[]) => parseCommandArgs(argv, { lang: { type: 'string' } });

let cliJs: string;

/** The CLI bundle (helpers/cliBundle.ts) in a child process; no code cache, as from source. */
function cli(argv: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [cliJs, ...argv], {
    cwd: repo, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, TOKENMETER_NO_INDEX: '1', TOKENMETER_CODE_CACHE: 'off', TOKENMETER_SETTINGS: '', NO_COLOR: '1', LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8', CLAUDE_CONFIG_DIR: path.join(fixtures, 'claude-config'), CODEX_HOME: path.join(fixtures, 'codex-home'), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI language', () => {
  before(async function () {
    this.timeout(120_000);
    cliJs = await sharedCli(unitCommands);
  });

  it('takes --lang first, then LC_ALL, LC_MESSAGES, LANG (POSIX or BCP 47 names); languages without a bundle are English', () => {
    assert.equal(cliLanguage(args('--lang', 'zh-CN'), { LANG: 'en_US.UTF-8' }), 'zh-cn');
    assert.equal(cliLanguage(args('--lang', 'en'), { LC_ALL: 'zh_CN.UTF-8' }), 'en');
    assert.equal(cliLanguage(args(), { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }), 'zh-cn');
    assert.equal(cliLanguage(args(), { LC_ALL: '', LC_MESSAGES: 'zh_SG.GB2312@stroke', LANG: 'de_DE.UTF-8' }), 'zh-cn');
    assert.equal(cliLanguage(args(), { LANG: 'zh_CN.UTF-8' }), 'zh-cn');
    assert.equal(cliLanguage(args(), { LANG: 'zh_TW.UTF-8' }), 'en');
    assert.equal(cliLanguage(args(), { LANG: 'C' }), 'en');
    assert.equal(cliLanguage(args(), {}), 'en');
  });

  it('keeps English with US dollars the plain text scripts read, and honours tokenmeter.display.currency', () => {
    const english = cliFormatter(args(), defaultSettings, { LANG: 'en_GB.UTF-8' });
    assert.equal(english.money(1234.5), '$1234.50');
    const yuan = cliFormatter(args('--lang', 'zh-CN'), { ...defaultSettings, display: { currency: 'CNY', cnyPerUsd: 7 } }, {});
    assert.equal(yuan.money(1234.5), '¥8,641.50');
    assert.equal(yuan.l10n.t('Total'), '合计');
  });

  it('lines up tables with Chinese headers by terminal columns (a Chinese character takes two)', () => {
    assert.equal(displayWidth('合计 $1.00'), 10);
    const lines = renderTable(['日期', 'Cost'], [['2026-11-20', '$1.00'], ['合计', '$12.00']]).split('\n');
    assert.deepEqual(lines.map(displayWidth), [18, 18, 18, 18]);
  });

  it('prints the daily report in Chinese and yuan with --lang zh-CN, and the same JSON as in English', function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-lang-'));
    try {
      const settings = path.join(dir, 'settings.json');
      fs.writeFileSync(settings, JSON.stringify({ display: { currency: 'CNY', cnyPerUsd: 7.1 } }));
      const zh = cli(['daily', '--lang', 'zh-CN', '--timezone', 'UTC'], { TOKENMETER_SETTINGS: settings });
      assert.equal(zh.code, 0, zh.stderr);
      const [header, , ...rows] = zh.stdout.trimEnd().split('\n');
      assert.match(header, /^日期\s+输入\s+输出\s+缓存写入\s+缓存读取\s+总 token\s+费用\s+模型$/);
      const total = rows.find((r) => r.startsWith('合计'));
      assert.ok(total && /¥[\d,.]+$/.test(total), zh.stdout);
      assert.ok(!/\$/.test(zh.stdout), zh.stdout);
      const jsonZh = cli(['daily', '--json', '--lang', 'zh-CN', '--timezone', 'UTC'], { TOKENMETER_SETTINGS: settings });
      const jsonEn = cli(['daily', '--json', '--timezone', 'UTC'], {});
      assert.equal(jsonZh.stdout, jsonEn.stdout);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints status in Chinese under LANG=zh_CN.UTF-8', function () {
    this.timeout(120_000);
    const r = cli(['status'], { LANG: 'zh_CN.UTF-8' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /今日 \$[\d.]+ · [\d.KMB]+ tok \| 本周 \$[\d.]+ \| 本月 \$[\d.]+（根据日志估算）/);
    assert.ok(!/today|week|month/.test(r.stdout), r.stdout);
  });
});
