// The editor's `tokenmeter.*` settings as the CLI reads them from VS Code's user settings.json, so that the CLI and
// the editor honour the same budgets, runaway thresholds, sources and display options. Pure: the caller reads the file.

/** VS Code's settings.json is JSON with comments and trailing commas: strip both, leaving strings intact. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  // A comma before a closing bracket or brace (after comments are gone).
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/**
 * The `tokenmeter.*` keys of a settings.json text, nested the way `settingsSchema` expects:
 * `"tokenmeter.runaway.burnFactor": 4` becomes `{ runaway: { burnFactor: 4 } }`. Other extensions' keys are ignored.
 * Throws a SyntaxError for text that is not JSON with comments.
 */
export function tokenmeterSettingsOf(settingsJsonText: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(stripJsonComments(settingsJsonText));
  const out: Record<string, unknown> = {};
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return out;
  for (const [key, value] of Object.entries(parsed)) {
    if (!key.startsWith('tokenmeter.')) continue;
    const path = key.slice('tokenmeter.'.length).split('.');
    if (path.some((part) => part === '' || part === '__proto__' || part === 'constructor' || part === 'prototype')) continue;
    let node = out;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      node = (node[part] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return out;
}
