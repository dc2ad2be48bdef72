import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { settingsSchema } from '../../src/core/settings';
import { CommandId } from '../../src/ui/commandIds';

const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

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
      assert.ok(property.markdownDescription, `${key} has no markdownDescription`);
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

  it('never lets a workspace choose which folders are read or how usage is priced', () => {
    const properties = Object.assign({}, ...manifest.contributes.configuration.map((s: { properties: object }) => s.properties));
    for (const key of ['tokenmeter.claudeConfigDirs', 'tokenmeter.codexHomes', 'tokenmeter.prices']) assert.equal(properties[key].scope, 'machine', key);
  });

  it('keeps engines.vscode at ^1.100.0 or lower', () => {
    const [major, minor] = String(manifest.engines.vscode).replace('^', '').split('.').map(Number);
    assert.ok(major === 1 && minor <= 100, manifest.engines.vscode);
  });
});
