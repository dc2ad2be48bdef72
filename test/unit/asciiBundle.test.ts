// The bundles the MCP server and the extension host load are pure ASCII (esbuild.plugins.mjs, asciiOnly), so that V8 holds them as one-byte
// text; the escapes must mean exactly what the characters meant.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

describe('bundles in ASCII alone (asciiOnly)', () => {
  const samples = [
    "'架构 — design … ¥88'",
    '`模板 ${1 + 1} ✓`',
    "'\\\\架'", // a backslash, then the character
    "'\\架'", // an identity escape: the character itself
    "'😀 and 𝒜'",
    "[/架构|设计一个|代码审查/gi.test('请做代码审查'), /[\\u4e00-\\u9fff]+/.exec('abc中文def')[0]]",
    "[/[一-龥]{2}/.test('中文'), /😀/u.test('x😀'), /^.$/u.test('😀'), /^..$/.test('😀'), /\\—/.test('—')]",
    "/* … comment — */ 'after'",
    "(() => { const café = 1; return café + 1; })()",
  ];

  it('escapes every non-ASCII character, and each sample evaluates to the same value', async () => {
    const { asciiOnly } = await import('../../esbuild.plugins.mjs');
    for (const source of samples) {
      const escaped = asciiOnly(source);
      // eslint-disable-next-line no-control-regex
      assert.ok(/^[\x00-\x7f]*$/.test(escaped), escaped);
      assert.equal(JSON.stringify(vm.runInNewContext(escaped)), JSON.stringify(vm.runInNewContext(source)), `${source} -> ${escaped}`);
    }
  });

  it('leaves the bundles the extension host and the MCP server load in ASCII (the host holds their source as long as it runs)', () => {
    const dist = path.join(__dirname, '..', '..', 'dist');
    for (const file of ['extension.js', 'statusController.js', 'zod.js', 'cli/mcp.js'].map((f) => path.join(dist, f))) {
      assert.ok(existsSync(file), `${file} is missing: npm run build first`);
      // eslint-disable-next-line no-control-regex
      assert.ok(/^[\x00-\x7f]*$/.test(readFileSync(file, 'utf8')), `${file} has characters outside ASCII`);
    }
  });
});
