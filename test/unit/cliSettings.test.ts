// The CLI honours the editor's settings: `tokenmeter.*` keys of VS Code's user settings.json (comments and trailing
// commas included), nested into the same typed settings the extension parses.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectorOptionsFrom } from '../../src/cli/alerts';
import { editorSettingsPaths, loadCliSettings, parseArgs, CommandLineError } from '../../src/cli/common';
import { Calendar } from '../../src/core/calendar';
import { stripJsonComments, tokenmeterSettingsOf } from '../../src/core/editorSettings';
import { replayAlerts } from '../../src/core/runaway';
import { generateHistory, testCostOf } from './runawayHistories';

const editorJson = `{
  // Tokenmeter, as the Settings UI writes it
  "editor.fontSize": 14,
  "tokenmeter.runaway.burnFactor": 20, /* far above the default 2.5 */
  "tokenmeter.runaway.maxParallelAgents": 500,
  "tokenmeter.budget.dailyUsd": 40,
  "tokenmeter.display.currency": "CNY",
  "files.exclude": { "**/.git": true, },
  "url": "https://example.com/a//b/*c*/",
}`;

describe('CLI settings from the editor', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-settings-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads tokenmeter.* keys from settings.json with comments, nested like the extension\'s settings', () => {
    assert.equal(JSON.parse(stripJsonComments(editorJson)).url, 'https://example.com/a//b/*c*/');
    assert.deepEqual(tokenmeterSettingsOf(editorJson), { runaway: { burnFactor: 20, maxParallelAgents: 500 }, budget: { dailyUsd: 40 }, display: { currency: 'CNY' } });
    assert.deepEqual(tokenmeterSettingsOf('{"tokenmeter.__proto__.polluted": 1}'), {});
  });

  it('loads the editor\'s settings when TOKENMETER_SETTINGS is unset, defaults when it is empty', async () => {
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, editorJson);
    const settings = await loadCliSettings({ TOKENMETER_EDITOR_SETTINGS: file });
    assert.equal(settings.runaway.burnFactor, 20);
    assert.equal(settings.budget.dailyUsd, 40);
    assert.equal(settings.runaway.enabled, true, 'unset keys keep their defaults');
    assert.equal((await loadCliSettings({ TOKENMETER_SETTINGS: '', TOKENMETER_EDITOR_SETTINGS: file })).runaway.burnFactor, 2.5);
    // The standard place: $XDG_CONFIG_HOME/Code/User/settings.json.
    fs.mkdirSync(path.join(dir, 'Code', 'User'), { recursive: true });
    fs.copyFileSync(file, path.join(dir, 'Code', 'User', 'settings.json'));
    assert.equal(editorSettingsPaths({ XDG_CONFIG_HOME: dir, HOME: dir }, 'linux')[0], path.join(dir, 'Code', 'User', 'settings.json'));
    assert.equal((await loadCliSettings({ XDG_CONFIG_HOME: dir, HOME: dir })).runaway.maxParallelAgents, 500);
    assert.equal((await loadCliSettings({ XDG_CONFIG_HOME: path.join(dir, 'none'), HOME: path.join(dir, 'none') })).runaway.burnFactor, 2.5);
  });

  it('names the file and the key of a bad value', async () => {
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, '{ "tokenmeter.runaway.burnFactor": "high" }');
    await assert.rejects(loadCliSettings({ TOKENMETER_EDITOR_SETTINGS: file }), (e: unknown) => e instanceof CommandLineError && e.message.includes(file) && e.message.includes('runaway.burnFactor'));
  });

  it('alerts and guard use tokenmeter.runaway.* unless a flag says otherwise', async () => {
    const file = path.join(dir, 'settings.json');
    fs.writeFileSync(file, editorJson);
    const settings = await loadCliSettings({ TOKENMETER_EDITOR_SETTINGS: file });
    const calendar = new Calendar('UTC');
    const h = generateHistory(5, { runaways: ['fanout-280'] });
    const fromSettings = detectorOptionsFrom(parseArgs([], 'alerts'), settings, calendar, [], testCostOf);
    assert.equal(fromSettings.burnFactor, 20);
    assert.equal(fromSettings.maxParallelAgents, 500);
    const fromFlag = detectorOptionsFrom(parseArgs(['--max-agents', '10'], 'alerts'), settings, calendar, [], testCostOf);
    assert.equal(fromFlag.maxParallelAgents, 10);
    // The 280-agent fan-out fires as parallel-agents by default; the editor's 500-agent limit lets it through as that kind.
    const defaults = await loadCliSettings({ TOKENMETER_SETTINGS: '' });
    const kinds = (options: ReturnType<typeof detectorOptionsFrom>) => new Set(replayAlerts(h.events, testCostOf, options).map((a) => a.kind));
    assert.ok(kinds(detectorOptionsFrom(parseArgs([], 'alerts'), defaults, calendar, [], testCostOf)).has('parallel-agents'));
    assert.ok(!kinds(fromSettings).has('parallel-agents'));
  });
});
