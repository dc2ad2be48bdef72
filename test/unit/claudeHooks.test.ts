import * as assert from 'node:assert/strict';
import {
  ClaudeSettingsError, formatClaudeSettings, guardHookCommand, guardHookMatcher, hasGuardHook, installGuardHook, removeGuardHook,
} from '../../src/core/claudeHooks';

const cmd = 'tokenmeter guard --daily-usd 50';

const userSettings = {
  model: 'opus',
  env: { FOO: '1' },
  hooks: {
    PreToolUse: [
      { matcher: 'Bash', hooks: [{ type: 'command', command: '~/.claude/hooks/block-rm.sh' }] },
    ],
    PostToolUse: [
      { matcher: 'Write|Edit', hooks: [{ type: 'command', command: 'prettier --write "$CLAUDE_FILE"' }] },
    ],
  },
};

describe('installGuardHook', () => {
  it('adds a PreToolUse hook for the sub-agent tool to empty settings', () => {
    const { next, changed } = installGuardHook({}, cmd);
    assert.equal(changed, true);
    assert.deepEqual(next, { hooks: { PreToolUse: [{ matcher: guardHookMatcher, hooks: [{ type: 'command', command: cmd, timeout: 30 }] }] } });
  });

  it('treats a missing settings file as empty settings', () => {
    assert.equal(installGuardHook(undefined, cmd).changed, true);
    assert.equal(installGuardHook(null, cmd).changed, true);
  });

  it('keeps the user\'s settings and hooks, appending ours', () => {
    const before = structuredClone(userSettings);
    const { next, changed } = installGuardHook(userSettings, cmd);
    assert.equal(changed, true);
    assert.deepEqual(userSettings, before, 'input must not be modified');
    assert.deepEqual(next, {
      ...userSettings,
      hooks: {
        ...userSettings.hooks,
        PreToolUse: [...userSettings.hooks.PreToolUse, { matcher: guardHookMatcher, hooks: [{ type: 'command', command: cmd, timeout: 30 }] }],
      },
    });
  });

  it('is idempotent', () => {
    const once = installGuardHook(userSettings, cmd).next;
    const twice = installGuardHook(once, cmd);
    assert.equal(twice.changed, false);
    assert.deepEqual(twice.next, once);
  });

  it('replaces an older guard command instead of adding a second', () => {
    const old = installGuardHook(userSettings, 'node /old/dist/cli.js guard # tokenmeter guard').next;
    const { next, changed } = installGuardHook(old, cmd);
    assert.equal(changed, true);
    const pre = (next.hooks as { PreToolUse: { hooks: { command: string }[] }[] }).PreToolUse;
    assert.deepEqual(pre.flatMap((e) => e.hooks.map((h) => h.command)), ['~/.claude/hooks/block-rm.sh', cmd]);
  });

  it('takes our hook out of a user entry that shares it, leaving their hook', () => {
    const shared = { hooks: { PreToolUse: [{ matcher: 'Task', hooks: [{ type: 'command', command: 'audit.sh' }, { type: 'command', command: cmd }] }] } };
    const removed = removeGuardHook(shared, cmd);
    assert.deepEqual(removed.next, { hooks: { PreToolUse: [{ matcher: 'Task', hooks: [{ type: 'command', command: 'audit.sh' }] }] } });
    const installed = installGuardHook(shared, cmd);
    assert.equal(installed.changed, true);
    assert.deepEqual((installed.next.hooks as { PreToolUse: unknown[] }).PreToolUse, [
      { matcher: 'Task', hooks: [{ type: 'command', command: 'audit.sh' }] },
      { matcher: guardHookMatcher, hooks: [{ type: 'command', command: cmd, timeout: 30 }] },
    ]);
  });

  it('refuses settings it does not understand instead of overwriting them', () => {
    assert.throws(() => installGuardHook([], cmd), ClaudeSettingsError);
    assert.throws(() => installGuardHook({ hooks: 'none' }, cmd), /"hooks" in Claude Code settings is not an object/);
    assert.throws(() => installGuardHook({ hooks: { PreToolUse: {} } }, cmd), /not a list/);
    assert.throws(() => installGuardHook({}, '  '), /empty/);
  });
});

describe('removeGuardHook', () => {
  it('restores the settings as they were before install', () => {
    const installed = installGuardHook(userSettings, cmd).next;
    const { next, changed } = removeGuardHook(installed, cmd);
    assert.equal(changed, true);
    assert.deepEqual(next, userSettings);
  });

  it('drops the hooks object it leaves empty', () => {
    const installed = installGuardHook({ model: 'opus' }, cmd).next;
    assert.deepEqual(removeGuardHook(installed).next, { model: 'opus' });
  });

  it('changes nothing when the hook is not there', () => {
    assert.deepEqual(removeGuardHook(userSettings, cmd), { next: userSettings, changed: false });
    assert.deepEqual(removeGuardHook(undefined), { next: {}, changed: false });
  });

  it('finds any Tokenmeter guard command without being told which', () => {
    const installed = installGuardHook(userSettings, guardHookCommand('/usr/bin/node', '/home/me/.vscode/extensions/tokenmeter/dist/cli.js')).next;
    assert.equal(hasGuardHook(installed), true);
    assert.deepEqual(removeGuardHook(installed).next, userSettings);
    assert.equal(hasGuardHook(userSettings), false);
  });
});

describe('guardHookCommand', () => {
  it('quotes paths with spaces and stays recognisable', () => {
    assert.equal(guardHookCommand('/usr/bin/node', '/Users/Jo Doe/ext/dist/cli.js', ['--daily-usd', '50']),
      `/usr/bin/node '/Users/Jo Doe/ext/dist/cli.js' guard --daily-usd 50 # tokenmeter guard`);
  });
});

describe('formatClaudeSettings', () => {
  it('writes 2-space JSON with a final newline', () => {
    assert.equal(formatClaudeSettings({ a: 1 }), '{\n  "a": 1\n}\n');
  });
});
