import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { defaultSettings } from '../../src/core/defaultSettings';
import { settingsSchema } from '../../src/core/settings';
import { CommandId } from '../../src/ui/commandIds';

const root = path.join(__dirname, '..', '..');
const manifestText = readFileSync(path.join(root, 'package.json'), 'utf8');
const manifest = JSON.parse(manifestText);
const nls: Record<string, string> = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const nlsZhCn: Record<string, string> = JSON.parse(readFileSync(path.join(root, 'package.nls.zh-cn.json'), 'utf8'));
/** A manifest string as VS Code shows it in English: `%key%` looked up in package.nls.json. */
const resolved = (value: string | undefined) => value?.replace(/^%([^%]+)%$/, (_, key: string) => nls[key] ?? '');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('project structure', () => {
  it('keeps vscode out of src/core and src/sources', () => {
    const offenders = [...sourceFiles(path.join(root, 'src', 'core')), ...sourceFiles(path.join(root, 'src', 'sources'))].filter((file) =>
      /from\s+['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(file, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });

  it('keeps the clock and the file system out of src/core', () => {
    const offenders = sourceFiles(path.join(root, 'src', 'core')).filter((file) => /Date\.now\(\)|from 'node:fs'|from 'fs'/.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
  });

  it('leaves the agents\' log folder names to their sources: src/ui and src/cli never spell them', () => {
    const folderName = /['"`](projects|sessions|archived_sessions)['"`]/;
    const offenders = [...sourceFiles(path.join(root, 'src', 'ui')), ...sourceFiles(path.join(root, 'src', 'cli'))].filter((file) => folderName.test(readFileSync(file, 'utf8')));
    assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
  });

  it('registers in code every command package.json contributes, and the reverse', () => {
    const contributed = (manifest.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    const extensionSource = sourceFiles(path.join(root, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const id of Object.values(CommandId)) assert.ok(contributed.includes(id), `${id} is registered but not contributed`);
    for (const id of contributed) {
      const key = Object.entries(CommandId).find(([, value]) => value === id)?.[0];
      assert.ok(key && extensionSource.includes(`CommandId.${key}`), `${id} is contributed but never registered`);
    }
  });

  it('contributes exactly the settings the schema knows, with descriptions', () => {
    const properties: Record<string, { markdownDescription?: string; default?: unknown }> = Object.assign({}, ...manifest.contributes.configuration.map((s: { properties: object }) => s.properties));
    const shape = settingsSchema.shape;
    for (const [key, property] of Object.entries(properties)) {
      assert.ok(resolved(property.markdownDescription), `${key} has no markdownDescription`);
      const [, section, sub] = key.split('.');
      assert.ok(section in shape, `${key} is not in settingsSchema`);
      if (sub) {
        const inner = (shape[section as keyof typeof shape] as unknown as { unwrap(): { shape: object } }).unwrap().shape;
        assert.ok(sub in inner, `${key} is not in settingsSchema.${section}`);
      }
    }
    const defaults = settingsSchema.parse({});
    assert.equal(properties['tokenmeter.budget.warnAtPercent'].default, defaults.budget.warnAtPercent);
    assert.equal(properties['tokenmeter.budget.resetDayOfMonth'].default, defaults.budget.resetDayOfMonth);
  });

  it('finds every %key% of package.json in both package.nls.json and package.nls.zh-cn.json', () => {
    const keys = [...manifestText.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(keys.length > 50, `only ${keys.length} localised strings`);
    assert.deepEqual(keys.filter((k) => !(k in nls)), [], 'missing in package.nls.json');
    assert.deepEqual(keys.filter((k) => !(k in nlsZhCn)), [], 'missing in package.nls.zh-cn.json');
    assert.deepEqual(Object.keys(nlsZhCn).filter((k) => !(k in nls)), [], 'in package.nls.zh-cn.json but not in package.nls.json');
    for (const [key, value] of Object.entries(nlsZhCn)) assert.ok(value.trim(), `${key} is empty in zh-cn`);
  });

  it('never lets a workspace choose which folders are read or how usage is priced', () => {
    const properties = Object.assign({}, ...manifest.contributes.configuration.map((s: { properties: object }) => s.properties));
    for (const key of ['tokenmeter.claudeConfigDirs', 'tokenmeter.codexHomes', 'tokenmeter.prices']) assert.equal(properties[key].scope, 'machine', key);
  });

  it('keeps engines.vscode at ^1.100.0 or lower', () => {
    const [major, minor] = String(manifest.engines.vscode).replace('^', '').split('.').map(Number);
    assert.ok(major === 1 && minor <= 100, manifest.engines.vscode);
    // Types newer than the engine would let code use API the oldest supported editor lacks.
    assert.equal(manifest.devDependencies['@types/vscode'], String(manifest.engines.vscode).replace('^', ''));
  });
});

describe('default settings', () => {
  it('are exactly what the schema gives an empty configuration', () => {
    assert.deepEqual(defaultSettings, settingsSchema.parse({}));
  });
});
