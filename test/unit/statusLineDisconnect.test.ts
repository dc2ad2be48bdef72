// Issue 17 item 14: Disconnect must restore a wrapped command written with double quotes (the
// README's own syntax) and leave alone a user's command that merely mentions "tokenmeter … statusline".
import { strict as assert } from 'node:assert';
import { isTokenmeterStatusLine, planStatusLineUninstall, shellUnquote, shellWords } from '../../src/core/claudeStatusLine';

const OURS = "node '/home/u/.vscode/extensions/tokenmeter.tokenmeter-0.2.0/dist/cli.js' statusline";
const line = (command: string) => ({ statusLine: { type: 'command', command, padding: 0 } });

describe('Disconnect Claude Code Status Line (issue 17 #14)', () => {
  it('restores a command wrapped in double quotes, as the README writes it', () => {
    const plan = planStatusLineUninstall(line('tokenmeter statusline --wrap "bash ~/sl.sh"'), OURS);
    assert.equal(plan.action, 'restore');
    assert.deepEqual(plan.after, { type: 'command', command: 'bash ~/sl.sh', padding: 0 });
  });

  it('restores double-quoted commands with escapes, and one wrapped by another install of the extension', () => {
    const older = "node '/home/u/.vscode/extensions/tokenmeter.tokenmeter-0.1.0/dist/cli.js' statusline --wrap \"printf \\\"%s\\\" \\$HOME | cut -c1-9\"";
    assert.deepEqual(planStatusLineUninstall(line(older), OURS).after, { type: 'command', command: 'printf "%s" $HOME | cut -c1-9', padding: 0 });
    assert.equal(shellUnquote('"a b"'), 'a b');
    assert.equal(shellUnquote('"it\'s"'), "it's");
    assert.deepEqual(shellWords(`a "b c"'d' e\\ f`), ['a', 'b cd', 'e f']);
  });

  it('leaves a user command alone that only mentions tokenmeter and statusline', () => {
    for (const user of [
      'echo tokenmeter statusline && ~/sl.sh',
      '~/scripts/show-tokenmeter-and-git statusline',
      'bash -c "tokenmeter statusline; ~/sl.sh"',
      'tokenmeter statusline | tee /tmp/sl.log',
      'tokenmeter statusline --wrap ~/sl.sh --theme dark',
    ]) {
      assert.ok(!isTokenmeterStatusLine(user, OURS), user);
      assert.equal(planStatusLineUninstall(line(user), OURS).action, 'unchanged', user);
    }
  });

  it('still removes a status line that is only ours, in any of our spellings', () => {
    for (const ours of [OURS, 'tokenmeter statusline', 'npx tokenmeter statusline --no-record', '/usr/local/bin/tokenmeter statusline --state-dir /tmp/x']) {
      assert.equal(planStatusLineUninstall(line(ours), OURS).action, 'remove', ours);
    }
  });
});
