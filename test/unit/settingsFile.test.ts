// Issue 17 item 2: Connect/Install must not make Claude Code's settings.json (which may hold
// env.ANTHROPIC_API_KEY) world-readable, replace a dotfiles symlink, overwrite a read-only file,
// lose a change made while the dialog was open, or leave no backup. Real files, real mode bits.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backupPathOf, readSettingsFile, SettingsFileError, writeSettingsFile } from '../../src/sources/settingsFile';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('writing Claude Code settings.json (issue 17 #2)', () => {
  let dir: string;
  let file: string;
  const before = JSON.stringify({ env: { ANTHROPIC_API_KEY: 'sk-ant-test-key' } }, null, 2);
  const after = JSON.stringify({ env: { ANTHROPIC_API_KEY: 'sk-ant-test-key' }, statusLine: { type: 'command', command: 'tokenmeter statusline' } }, null, 2);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-settings-'));
    file = path.join(dir, 'settings.json');
  });
  afterEach(() => {
    for (const f of [file, path.join(dir, 'dotfiles', 'settings.json')]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a 0600 file 0600 whatever the umask', async () => {
    fs.writeFileSync(file, before, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    const old = process.umask(0o022);
    try {
      await writeSettingsFile(await readSettingsFile(file), after);
    } finally {
      process.umask(old);
    }
    assert.equal(fs.readFileSync(file, 'utf8'), after);
    assert.equal(mode(file).toString(8), '600');
    assert.equal(mode(backupPathOf(file)).toString(8), '600', 'the backup holds the key too');
  });

  it('writes through a symlink to the real file and keeps the link', async () => {
    fs.mkdirSync(path.join(dir, 'dotfiles'));
    const real = path.join(dir, 'dotfiles', 'settings.json');
    fs.writeFileSync(real, before, { mode: 0o640 });
    fs.chmodSync(real, 0o640);
    fs.symlinkSync(path.join('dotfiles', 'settings.json'), file);
    const snapshot = await readSettingsFile(file);
    assert.equal(snapshot.realPath, fs.realpathSync(real));
    await writeSettingsFile(snapshot, after);
    assert.ok(fs.lstatSync(file).isSymbolicLink(), 'settings.json is still a symlink');
    assert.equal(fs.readFileSync(real, 'utf8'), after, 'the dotfiles copy is updated');
    assert.equal(mode(real).toString(8), '640');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['dotfiles', 'settings.json'], 'nothing left next to the link');
  });

  it('refuses a read-only file with a clear message and leaves it alone', async () => {
    fs.writeFileSync(file, before);
    fs.chmodSync(file, 0o444);
    const snapshot = await readSettingsFile(file);
    await assert.rejects(writeSettingsFile(snapshot, after), (err: unknown) => {
      assert.ok(err instanceof SettingsFileError);
      assert.equal(err.kind, 'readOnly');
      assert.match(err.message, /read-only.*did not change it/);
      return true;
    });
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    assert.equal(mode(file).toString(8), '444');
  });

  it('keeps a change another program made after the read (while the dialog was open)', async () => {
    fs.writeFileSync(file, before);
    const snapshot = await readSettingsFile(file);
    const theirs = JSON.stringify({ model: 'opus', env: {} });
    fs.writeFileSync(file, theirs);
    await assert.rejects(writeSettingsFile(snapshot, after), (err: unknown) => err instanceof SettingsFileError && err.kind === 'changed' && /Run the command again/.test(err.message));
    assert.equal(fs.readFileSync(file, 'utf8'), theirs);
  });

  it('notices a same-size rewrite by its modification time', async () => {
    fs.writeFileSync(file, before);
    const snapshot = await readSettingsFile(file);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    await assert.rejects(writeSettingsFile(snapshot, after), (err: unknown) => err instanceof SettingsFileError && err.kind === 'changed');
  });

  it('keeps exactly one backup, of the contents just replaced', async () => {
    fs.writeFileSync(file, before);
    await writeSettingsFile(await readSettingsFile(file), after);
    assert.equal(fs.readFileSync(backupPathOf(file), 'utf8'), before);
    const third = JSON.stringify({ third: true });
    await writeSettingsFile(await readSettingsFile(file), third);
    assert.equal(fs.readFileSync(backupPathOf(file), 'utf8'), after);
    assert.equal(fs.readFileSync(file, 'utf8'), third);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['settings.json', 'settings.json.tokenmeter-backup'], 'one backup, no temp files');
  });

  it('creates a missing file readable by its owner only', async () => {
    const nested = path.join(dir, 'new', 'settings.json');
    await writeSettingsFile(await readSettingsFile(nested), after);
    assert.equal(fs.readFileSync(nested, 'utf8'), after);
    assert.equal(mode(nested).toString(8), '600');
  });

  it('the editor commands write settings.json only through this writer', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'ui', 'commands', 'claudeSettings.ts'), 'utf8');
    assert.match(source, /writeSettingsFile\(snapshot/);
    assert.doesNotMatch(source, /\b(writeFile|rename|writeFileSync|renameSync)\b/);
  });
});
