// The dashboard webview's rules, checked: a strict CSP (default-src 'none', scripts only by a fresh
// nonce, no unsafe-inline/unsafe-eval, no remote origins), no inline scripts, handlers or styles, every
// interpolated value escaped, and page code that never parses text as HTML.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { contentSecurityPolicy, dashboardHtml } from '../../media/dashboardHtml';

const repo = path.resolve(__dirname, '..', '..');
const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';

function directives(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    assert.ok(!out.has(name), `directive ${name} twice`);
    out.set(name, values);
  }
  return out;
}

function decodeAttr(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Code without comments, so a comment that names a forbidden API does not count. */
function codeOf(file: string): string {
  return readFileSync(path.join(repo, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('webview: CSP, nonce, no inline code, nothing parsed as HTML', () => {
  it('the policy denies by default, runs scripts only by nonce, and allows no unsafe-* or remote origin', () => {
    const policy = directives(contentSecurityPolicy(cspSource, 'abc123=='));
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('script-src'), ["'nonce-abc123=='"]);
    for (const [name, values] of policy) {
      for (const v of values) {
        assert.ok(!/unsafe-|^\*$|^https?:$|^https?:\/\/(?!file\+\.vscode-resource)/.test(v), `${name} allows ${v}`);
        if (name !== 'img-src') assert.notEqual(v, 'data:', `${name} allows data:`);
      }
    }
    assert.ok(!policy.has('connect-src'), 'the page fetches nothing');
  });

  it('every page has one CSP meta, only nonced external scripts, no inline handlers or styles, whatever the inputs', () => {
    const hostile = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('"><script>alert(1)</script>', "' onload='x", '</title><img src=x onerror=alert(1)>', 'javascript:alert(1)'));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), hostile, hostile, (bytes, uri, extra) => {
        const nonce = Buffer.from(bytes).toString('base64');
        const html = dashboardHtml({ cspSource, nonce, scriptUri: `${cspSource}/dist/media/dashboard.js${uri}`, styleUri: `${cspSource}/dashboard.css${extra}` });
        const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
        assert.equal(metas.length, 1);
        assert.equal(directives(decodeAttr(metas[0][1])).get('script-src')?.[0], `'nonce-${nonce}'`);
        const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
        assert.equal(scripts.length, 1, 'exactly the one bundle: hostile input made no script');
        for (const [, attrs, body] of scripts) {
          assert.equal(body.trim(), '', 'no inline script');
          assert.match(attrs, new RegExp(`nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`));
          assert.match(attrs, / src="/);
        }
        const tags = [...html.matchAll(/<([a-z]+)\b((?:[^>"]|"[^"]*")*)>/gi)];
        for (const [, tag, attrs] of tags) {
          const names = [...attrs.replace(/"[^"]*"/g, '""').matchAll(/\s([a-z-]+)=/gi)].map((m) => m[1].toLowerCase());
          assert.ok(!names.some((n) => n.startsWith('on')), `inline handler on <${tag}>: ${attrs}`);
          assert.ok(!names.includes('style'), `inline style on <${tag}>`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the panel makes a fresh crypto nonce per page, narrow resource roots, no command URIs', () => {
    const panel = codeOf('src/ui/dashboardPanel.ts');
    assert.match(panel, /nonce: randomBytes\(16\)\.toString\('base64'\)/);
    assert.match(panel, /localResourceRoots: \[vscode\.Uri\.joinPath\(extensionUri, 'media'\), vscode\.Uri\.joinPath\(extensionUri, 'dist', 'media'\)\]/);
    assert.ok(!/enableCommandUris\s*:\s*true/.test(panel), 'command URIs enabled in the webview');
    assert.ok(!/retainContextWhenHidden\s*:\s*true/.test(panel));
    assert.match(panel, /toHostSchema\.safeParse\(/, 'messages from the page are validated');
  });

  it('the page never turns text into HTML or code', () => {
    for (const file of ['media/dashboard.ts', 'media/dashboardHtml.ts']) {
      const code = codeOf(file);
      for (const api of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'setAttribute(\'on', 'srcdoc']) {
        assert.ok(!code.includes(api), `${file} uses ${api}`);
      }
    }
    assert.match(codeOf('media/dashboard.ts'), /fromHostSchema|toViewSchema/, 'messages from the host are validated');
  });
});
