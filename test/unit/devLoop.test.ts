// The contributor loop and the package: the watch task's problem matcher waits for lines the build prints, a
// production build starts from an empty dist/, and the packaged README's links resolve inside the .vsix.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** A .vscodeignore line as a regular expression (`**` any path, `*` within one segment). */
function globRegex(glob: string): RegExp {
  const body = glob.split('**').map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('.*');
  return new RegExp(`^${body}$`);
}

/** Whether the allowlist ships `file`: the last matching line decides. */
function ships(file: string): boolean {
  let shipped = false;
  for (const line of read('.vscodeignore').split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (globRegex(negated ? line.slice(1) : line).test(file)) shipped = negated;
  }
  return shipped;
}

describe('contributor loop and packaging', () => {
  it('the watch task waits for the lines the watch build prints (beginsPattern / endsPattern, not activesBegin)', () => {
    const tasks = JSON.parse(read('.vscode/tasks.json')) as { tasks: { label: string; isBackground?: boolean; problemMatcher?: { background?: Record<string, unknown> } }[] };
    const watch = tasks.tasks.find((t) => t.label === 'npm: watch')!;
    assert.ok(watch.isBackground);
    const background = watch.problemMatcher!.background!;
    assert.deepEqual(Object.keys(background).sort(), ['activeBegin', 'beginsPattern', 'endsPattern'], 'keys VS Code knows');
    const config = read('esbuild.config.mjs');
    const printed = [...config.matchAll(/console\.log\('([^']+)'\)/g)].map((m) => m[1]);
    assert.ok(printed.some((line) => new RegExp(background.beginsPattern as string).test(line)), `esbuild.config.mjs prints a line matching ${background.beginsPattern}`);
    assert.ok(printed.some((line) => new RegExp(background.endsPattern as string).test(line)), `esbuild.config.mjs prints a line matching ${background.endsPattern}`);
  });

  it('a production build empties dist/ first and no source map ships', () => {
    assert.match(read('esbuild.config.mjs'), /if \(production\) rmSync\('dist', \{ recursive: true, force: true \}\)/);
    for (const map of ['dist/extension.js.map', 'dist/cli/daily.js.map', 'dist/media/dashboard.js.map', 'dist/media/dashboard.css.map']) assert.equal(ships(map), false, map);
    for (const file of ['dist/extension.js', 'dist/cli/daily.js', 'dist/claudeLines.wasm', 'dist/codexLines.wasm', 'dist/media/dashboard.js', 'dist/media/dashboard.css', 'l10n/bundle.l10n.zh-cn.json']) assert.equal(ships(file), true, file);
  });

  it('packages the README with its relative links kept, and ships every file they point at', () => {
    const script = JSON.parse(read('package.json')).scripts.package as string;
    assert.doesNotMatch(script, /example\.invalid/);
    assert.match(script, /--no-rewrite-relative-links/);
    const targets = [...read('README.md').matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/i.test(t));
    assert.ok(targets.length >= 5);
    for (const target of targets) {
      assert.ok(fs.existsSync(path.join(root, target)), `${target} exists`);
      assert.equal(ships(target), true, `${target} ships in the .vsix`);
    }
  });
});

describe('where each test runs', () => {
  it('runs every test file in test:unit or test:stress, and CI runs both', () => {
    const { stressOnly } = require('../suites.cjs') as { stressOnly: string[] };
    for (const file of stressOnly) assert.ok(fs.existsSync(path.join(root, file)), `${file} (listed in test/suites.cjs) exists`);
    const stressConfig = require('../stress/mocharc.cjs') as { spec: string[] };
    const unitConfig = require('../../.mocharc.cjs') as { spec: string[]; ignore: string[] };
    assert.deepEqual(unitConfig.ignore, stressOnly);
    for (const file of stressOnly) assert.ok(stressConfig.spec.includes(file), `${file} runs in test:stress`);
    assert.deepEqual(unitConfig.spec, ['test/unit/**/*.test.ts']);
    assert.match(JSON.parse(read('package.json')).scripts['test:stress'], /--config test\/stress\/mocharc\.cjs/);
    assert.match(read('test/runAll.mjs'), /'run', '--silent', 'test:stress'/);
  });
});
