// The CLI asked for each display language (--lang, and LANG for one) prints its status line and its estimate in that
// language, reading the bundle from l10n/; English stays the plain text scripts read. Child processes: stress suite.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { phraseLanguages } from '../../src/core/phrases';

const repo = path.resolve(__dirname, '../..');
const fixtures = path.join(repo, 'test', 'fixtures');

function cli(argv: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'src/cli.ts'), ...argv], {
    cwd: repo, encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, TOKENMETER_NO_INDEX: '1', TOKENMETER_SETTINGS: '', NO_COLOR: '1', LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8', CLAUDE_CONFIG_DIR: path.join(fixtures, 'claude-config'), CODEX_HOME: path.join(fixtures, 'codex-home'), ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** A bundle phrase as a pattern: its text literally, each `{n}` any text. */
const phrase = (text: string) => new RegExp(text.split(/\{\d+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+'));

describe('CLI in every display language', () => {
  for (const language of phraseLanguages.filter((l) => l !== 'en')) {
    it(`prints status and estimate in ${language}`, function () {
      this.timeout(240_000);
      const words: Record<string, string> = JSON.parse(readFileSync(path.join(repo, 'l10n', `bundle.l10n.${language}.json`), 'utf8'));
      const status = cli(['status', '--lang', language]);
      assert.match(status.split('\n')[0], phrase(words['{0} today · {1}']), status);
      assert.match(status, phrase(words['today {0} · {1} tok | week {2} | month {3} (estimated from logs)']), status);
      const estimate = cli(['estimate', 'rename the variable usr to user in this file', '--no-history', '--lang', language]);
      assert.match(estimate, phrase(words['Suggested: {0} — {1}']), estimate);
      assert.match(estimate, phrase(words['{0} task · {1} – {2} tokens (P50 {3})']), estimate);
    });
  }

  it('takes the language from LANG, and prints English with --lang en', function () {
    this.timeout(240_000);
    const words: Record<string, string> = JSON.parse(readFileSync(path.join(repo, 'l10n', 'bundle.l10n.ja.json'), 'utf8'));
    assert.match(cli(['status'], { LANG: 'ja_JP.UTF-8' }), phrase(words['today {0} · {1} tok | week {2} | month {3} (estimated from logs)']));
    assert.match(cli(['status', '--lang', 'en'], { LANG: 'ja_JP.UTF-8' }), /^\$[\d.]+ today · /);
  });
});
