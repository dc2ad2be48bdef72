// Imports point one way: extension -> ui -> sources -> core (cli beside ui; the webview page on core only). This reads
// every import in src/ and media/ and fails on an arrow back up, on `vscode` or `node:*` in core, and on a cycle.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Import { from: string; to: string; typeOnly: boolean }

/** Every import, export-from, dynamic import and require with a string literal. */
export function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  const patterns = [
    /^\s*(import|export)\s+(type\s+)?[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const [i, re] of patterns.entries()) {
    for (const m of text.matchAll(re)) {
      const spec = i === 0 ? m[3] : m[1];
      // `import type { X }` and `import { type X, type Y }` leave nothing behind at run time.
      const typeOnly = i === 0 && (m[2] !== undefined || /^\s*(import|export)\s*\{\s*(type\s+[\w$]+\s*(as\s+[\w$]+\s*)?,?\s*)+\}/.test(m[0]));
      out.push({ from: file, to: spec, typeOnly });
    }
  }
  return out;
}

/** A relative import resolved to a file in the repository, or undefined for packages. */
function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  return base;
}

type Room = 'core' | 'sources' | 'ui' | 'cli' | 'mcp' | 'extension' | 'media' | 'data' | 'other';

function roomOf(file: string): Room {
  const rel = path.relative(root, file).split(path.sep).join('/');
  if (rel === 'src/extension.ts') return 'extension';
  if (rel === 'src/cli.ts' || rel.startsWith('src/cli/')) return 'cli';
  if (rel.startsWith('src/core/')) return 'core';
  if (rel.startsWith('src/sources/')) return 'sources';
  if (rel.startsWith('src/ui/')) return 'ui';
  if (rel.startsWith('src/mcp/')) return 'mcp';
  if (rel.startsWith('media/')) return 'media';
  if (rel.startsWith('l10n/') && rel.endsWith('.json')) return 'data';
  return 'other';
}

/** Which rooms each room may import from (besides itself). */
const allowed: Record<Room, Room[]> = {
  core: ['data'],
  sources: ['core', 'data'],
  ui: ['sources', 'core', 'media', 'data'],
  cli: ['sources', 'core', 'mcp', 'data'],
  // The MCP server's tools and answers: core's numbers in JSON; the CLI command (cli/mcp.ts) reads the logs for them.
  mcp: ['core', 'data'],
  extension: ['ui', 'core'],
  media: ['core', 'data'],
  data: [],
  other: [],
};

const sources = [...files(path.join(root, 'src')), ...files(path.join(root, 'media'))];
const all = sources.flatMap((file) => importsOf(file, readFileSync(file, 'utf8')));
const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');

describe('import direction', () => {
  it('reads the imports it checks (a sanity check of the reader)', () => {
    assert.deepEqual(importsOf('x.ts', "import type { A } from './a';\nimport { type B } from './b';\nimport { c, type D } from './c';\nexport { e } from './e';\nconst z = require('./z');\nawait import('./y');")
      .map((i) => [i.to, i.typeOnly]), [['./a', true], ['./b', true], ['./c', false], ['./e', false], ['./y', false], ['./z', false]]);
    assert.ok(all.length > 300, `${all.length} imports`);
  });

  it('points one way: core <- sources <- ui / cli <- extension; the webview page uses core only', () => {
    const offenders: string[] = [];
    for (const i of all) {
      const target = resolve(i.from, i.to);
      if (!target) continue;
      const [from, to] = [roomOf(i.from), roomOf(target)];
      if (from !== to && !allowed[from].includes(to)) offenders.push(`${rel(i.from)} (${from}) -> ${rel(target)} (${to})`);
    }
    assert.deepEqual(offenders, []);
  });

  it('keeps vscode out of core, sources and cli, and node:* out of core', () => {
    const offenders = all.filter((i) => {
      const room = roomOf(i.from);
      if (i.to === 'vscode') return room === 'core' || room === 'sources' || room === 'cli' || room === 'mcp' || room === 'media';
      if (room === 'core') return i.to.startsWith('node:') || ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'https'].includes(i.to);
      return false;
    }).map((i) => `${rel(i.from)} imports ${i.to}`);
    assert.deepEqual(offenders, []);
  });

  it('has no import cycles (run-time imports)', () => {
    const graph = new Map<string, string[]>();
    for (const i of all) {
      if (i.typeOnly) continue;
      const target = resolve(i.from, i.to);
      if (!target || !target.endsWith('.ts')) continue;
      (graph.get(i.from) ?? graph.set(i.from, []).get(i.from)!).push(target);
    }
    // Tarjan's strongly connected components: any component of more than one file is a cycle.
    let index = 0;
    const indexOf = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const visit = (v: string): void => {
      indexOf.set(v, index);
      low.set(v, index++);
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!indexOf.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
      }
      if (low.get(v) === indexOf.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(rel(w));
        } while (w !== v);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
    assert.deepEqual(cycles, []);
  });
});
