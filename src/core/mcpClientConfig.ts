// The config change behind "Tokenmeter: Connect MCP to Claude Code / Codex / Cline": one entry named
// `tokenmeter` added to, updated in or removed from another program's config file, leaving every
// other byte as it was. Pure: text in, text out; src/sources/mcpClients.ts finds the files and
// src/sources/settingsFile.ts writes them.
//
// JSON (Claude Code's ~/.claude.json, Cline's cline_mcp_settings.json): jsonc-parser's `modify`
// edits only the span of our entry, so Claude Code's own keys, order and indentation stay as they
// are. TOML (Codex's config.toml): a small line edit of our own table; smol-toml only checks the
// file before (a broken file is refused) and after (the result must parse and read back our values).
import { applyEdits, modify, parseTree, printParseErrorCode, type FormattingOptions, type Node, type ParseError } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';

/** The name our server is registered under in every client. */
export const mcpServerName = 'tokenmeter';

/** How a client starts the server: a program and its arguments (no shell). */
export interface McpLaunch {
  command: string;
  args: readonly string[];
}

export type McpConfigAction = 'add' | 'update' | 'remove' | 'unchanged';

/** The change to one config file: the whole new text, and our entry before and after for the confirmation. */
export interface McpConfigPlan {
  action: McpConfigAction;
  text: string;
  /** Our entry as the file had it (JSON or TOML text), undefined when absent. */
  before?: string;
  /** Our entry as it will be, undefined when removed. */
  after?: string;
}

/** The file cannot be edited safely (invalid, or our entry in a form we do not edit); nothing is written. */
export class McpConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'McpConfigError';
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The entry each client expects for a stdio server. */
export function mcpEntryFor(client: 'claude' | 'cline', launch: McpLaunch): { [key: string]: Json } {
  // `claude mcp add --scope user` writes type/command/args/env; Cline infers stdio from `command`
  // (cline/cline src/services/mcp/schemas.ts) and adds its own keys (disabled, autoApprove) later.
  return client === 'claude'
    ? { type: 'stdio', command: launch.command, args: [...launch.args], env: {} }
    : { command: launch.command, args: [...launch.args] };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

function child(node: Node | undefined, key: string): Node | undefined {
  return node?.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
}

function valueOf(node: Node): Json {
  switch (node.type) {
    case 'object': return Object.fromEntries((node.children ?? []).map((p) => [p.children![0].value as string, valueOf(p.children![1])]));
    case 'array': return (node.children ?? []).map(valueOf);
    default: return node.value as Json;
  }
}

function jsonRoot(text: string, file: string): Node | undefined {
  if (text.trim() === '') return undefined;
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) {
    const e = errors[0];
    throw new McpConfigError(`${file} is not valid JSON (${printParseErrorCode(e.error)} at line ${lineOf(text, e.offset)}); Tokenmeter did not change it. Fix the file, or add the server by hand.`);
  }
  if (root?.type !== 'object') throw new McpConfigError(`${file} does not hold a JSON object; Tokenmeter did not change it.`);
  const servers = child(root, 'mcpServers');
  if (servers && servers.type !== 'object') throw new McpConfigError(`"mcpServers" in ${file} is not an object; Tokenmeter did not change it.`);
  return root;
}

const sameJson = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Adds or updates (`entry` given) or removes (`entry` undefined) `mcpServers.tokenmeter` in a JSON
 * config. On update only the keys we set change; keys the client or the user added to our entry
 * (Cline's `disabled`, `autoApprove`) stay. Throws McpConfigError for invalid JSON.
 */
export function planJsonMcpEntry(text: string, file: string, entry: { [key: string]: Json } | undefined): McpConfigPlan {
  const root = jsonRoot(text, file);
  const existingNode = child(child(root, 'mcpServers'), mcpServerName);
  const existing = existingNode ? valueOf(existingNode) : undefined;
  const show = (v: Json | undefined) => (v === undefined ? undefined : JSON.stringify(v, null, 2));
  if (!root) {
    if (!entry) return { action: 'unchanged', text };
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const fresh = JSON.stringify({ mcpServers: { [mcpServerName]: entry } }, null, 2).replace(/\n/g, eol) + eol;
    return { action: 'add', text: fresh, after: show(entry) };
  }
  const options = { formattingOptions: formattingOf(text) };
  if (!entry) {
    if (!existingNode) return { action: 'unchanged', text };
    return { action: 'remove', text: applyEdits(text, modify(text, ['mcpServers', mcpServerName], undefined, options)), before: show(existing) };
  }
  if (existing === undefined || existingNode?.type !== 'object') {
    const next = applyEdits(text, modify(text, ['mcpServers', mcpServerName], entry, options));
    return { action: existing === undefined ? 'add' : 'update', text: next, before: show(existing), after: show(entry) };
  }
  const current = existing as { [key: string]: Json };
  let next = text;
  for (const [key, value] of Object.entries(entry)) {
    if (!sameJson(current[key], value)) next = applyEdits(next, modify(next, ['mcpServers', mcpServerName, key], value, options));
  }
  if (next === text) return { action: 'unchanged', text, before: show(existing), after: show(existing) };
  return { action: 'update', text: next, before: show(existing), after: show({ ...current, ...entry }) };
}

// ---- TOML (Codex) ----

/** A TOML basic string; JSON's escapes are a subset TOML accepts. */
const tomlString = (s: string) => JSON.stringify(s);

/** The table Codex reads (`[mcp_servers.<name>]` with `command` and `args`, openai/codex docs/config.md). */
export function codexTable(launch: McpLaunch, eol = '\n'): string {
  return [`[mcp_servers.${mcpServerName}]`, `command = ${tomlString(launch.command)}`, `args = [${launch.args.map(tomlString).join(', ')}]`].join(eol) + eol;
}

/** The dotted key of a table header line (`[a."b".c]` → ['a', 'b', 'c']), or undefined for any other line. */
function headerKey(line: string): { key: string[]; arrayTable: boolean } | undefined {
  const m = /^\s*(\[\[?)\s*(.*?)\s*(\]\]?)\s*(#.*)?$/.exec(line);
  if (!m || m[1].length !== m[3].length) return undefined;
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y;
  let rest = m[2];
  while (rest.length > 0) {
    re.lastIndex = 0;
    const p = re.exec(rest);
    if (!p) return undefined;
    parts.push(p[1] !== undefined ? (JSON.parse(`"${p[1]}"`) as string) : (p[2] ?? p[3]));
    rest = rest.slice(p[0].length);
  }
  return { key: parts, arrayTable: m[1] === '[[' };
}

interface TomlLine {
  text: string;
  /** The line ending that followed it ('' for the last line). */
  eol: string;
  /** True when the line starts inside a multi-line string (it is content, never a header or key). */
  inString: boolean;
}

/** Lines with their endings, each marked when it starts inside a multi-line string. */
function tomlLines(text: string): TomlLine[] {
  const lines: TomlLine[] = [];
  let open: MultilineQuote | undefined;
  const re = /([^\n]*?)(\r?\n|$)/g;
  for (let m = re.exec(text); m && (m[0] !== '' || re.lastIndex < text.length); m = re.exec(text)) {
    lines.push({ text: m[1], eol: m[2], inString: open !== undefined });
    open = outsideStrings(m[1], 0, open);
    if (m[2] === '') break;
  }
  return lines;
}

type MultilineQuote = '"""' | "'''";

/**
 * Walks `line` from `from`, given the multi-line string open at that point, calling `visit` for every
 * character outside strings and comments; returns the multi-line string still open at the line's end.
 */
function outsideStrings(line: string, from: number, open: MultilineQuote | undefined, visit: (c: string) => void = () => undefined): MultilineQuote | undefined {
  let i = from;
  while (i < line.length) {
    if (open) {
      if (open === '"""' && line[i] === '\\') { i += 2; continue; }
      if (line.startsWith(open, i)) { i += 3; open = undefined; continue; }
      i++;
      continue;
    }
    const c = line[i];
    if (c === '#') break;
    if (line.startsWith('"""', i) || line.startsWith("'''", i)) { open = line.slice(i, i + 3) as MultilineQuote; i += 3; continue; }
    if (c === '"') { i++; while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1; i++; continue; }
    if (c === "'") { i = line.indexOf("'", i + 1) + 1 || line.length; continue; }
    visit(c);
    i++;
  }
  return open;
}

const isOurs = (key: string[]) => key.length >= 2 && key[0] === 'mcp_servers' && key[1] === mcpServerName;

function parseTomlOrThrow(text: string, file: string, what: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new McpConfigError(`${file} ${what} (${detail}); Tokenmeter did not change it.`, { cause: error });
  }
}

/**
 * Adds or updates (`launch` given) or removes `[mcp_servers.tokenmeter]` in Codex's config.toml. Only
 * our table changes: on update only its `command` and `args` lines are rewritten (other keys such
 * as `startup_timeout_sec` stay); on removal it and its sub-tables go. Everything else is kept byte
 * for byte. Throws McpConfigError when the file is not valid TOML or defines our server in a form
 * other than its own table (an inline table, dotted keys).
 */
export function planCodexMcpTable(text: string, file: string, launch: McpLaunch | undefined): McpConfigPlan {
  const parsed = parseTomlOrThrow(text, file, 'is not valid TOML');
  const servers = parsed.mcp_servers as Record<string, unknown> | undefined;
  const lines = tomlLines(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const ours = ourBlocks(lines);
  const main = ours.find((b) => b.main);
  const defined = servers !== undefined && Object.prototype.hasOwnProperty.call(servers, mcpServerName);
  if (defined && !main) {
    throw new McpConfigError(`${file} defines mcp_servers.${mcpServerName} as an inline table or dotted keys; Tokenmeter edits only a [mcp_servers.${mcpServerName}] table. Change it by hand.`);
  }
  const before = main ? ours.map((b) => join(trimBlock(lines, b))).join('') : undefined;

  if (!launch) {
    if (!main) return { action: 'unchanged', text };
    const drop = new Set<number>();
    ours.forEach((b, n) => {
      // Blank and comment lines between two of our tables are ours; after the last they lead into the next table.
      const end = ours[n + 1]?.start === b.end ? b.end : b.start + trimBlock(lines, b).length;
      for (let i = b.start; i < end; i++) drop.add(i);
    });
    // One blank line that separated our table from what came before goes with it.
    const first = Math.min(...drop);
    if (first > 0 && lines[first - 1].text.trim() === '' && !drop.has(first - 1)) drop.add(first - 1);
    const kept = lines.filter((_, i) => !drop.has(i));
    const next = join(kept);
    checkResult(next, file, undefined);
    return { action: 'remove', text: next, before };
  }

  if (!main) {
    const base = text === '' || /\n$/.test(text) ? text : text + eol;
    const blank = base.trim() === '' || base.endsWith(eol + eol) ? '' : eol;
    const next = base + blank + codexTable(launch, eol);
    checkResult(next, file, launch);
    return { action: 'add', text: next, after: codexTable(launch, eol) };
  }
  const table = servers?.[mcpServerName] as Record<string, unknown>;
  if (table.command === launch.command && JSON.stringify(table.args) === JSON.stringify(launch.args)) {
    return { action: 'unchanged', text, before, after: before };
  }
  // Rewrite `command` and `args` in our main table (a value may run over several lines); add them if missing.
  const wanted: [string, string][] = [['command', `command = ${tomlString(launch.command)}`], ['args', `args = [${launch.args.map(tomlString).join(', ')}]`]];
  const out = lines.slice(0, main.start + 1);
  const seen = new Set<string>();
  for (let i = main.start + 1; i < main.end; i++) {
    const line = lines[i];
    const key = line.inString ? undefined : /^\s*("?)(command|args)\1\s*=/.exec(line.text)?.[2];
    if (!key) {
      out.push(line);
      continue;
    }
    const last = valueEnd(lines, i, main.end);
    out.push({ text: wanted.find(([k]) => k === key)![1], eol: lines[last].eol || eol, inString: false });
    seen.add(key);
    i = last;
  }
  const missing = wanted.filter(([k]) => !seen.has(k)).map(([, l]) => ({ text: l, eol, inString: false }));
  out.splice(main.start + 1, 0, ...missing);
  out.push(...lines.slice(main.end));
  const next = join(out);
  checkResult(next, file, launch);
  const afterLines = tomlLines(next);
  return { action: 'update', text: next, before, after: ourBlocks(afterLines).map((b) => join(trimBlock(afterLines, b))).join('') };
}

/** Our table and its sub-tables: from each header to the next header of another table. */
function ourBlocks(lines: TomlLine[]): { start: number; end: number; main: boolean }[] {
  const blocks: { start: number; end: number; main: boolean }[] = [];
  lines.forEach((line, i) => {
    const header = line.inString ? undefined : headerKey(line.text);
    if (!header) return;
    const last = blocks[blocks.length - 1];
    if (last && last.end === -1) last.end = i;
    if (isOurs(header.key)) blocks.push({ start: i, end: -1, main: header.key.length === 2 && !header.arrayTable });
  });
  const last = blocks[blocks.length - 1];
  if (last && last.end === -1) last.end = lines.length;
  return blocks;
}

const join = (ls: readonly TomlLine[]) => ls.map((l) => l.text + l.eol).join('');

/** A block without the blank and comment lines that end it (those lead into the next table). */
function trimBlock(lines: TomlLine[], b: { start: number; end: number }): TomlLine[] {
  let end = b.end;
  while (end - 1 > b.start && !lines[end - 1].inString && /^\s*(#.*)?$/.test(lines[end - 1].text)) end--;
  return lines.slice(b.start, end);
}

/** The index of the last line of the value that starts on line `i` (arrays and strings may span lines). */
function valueEnd(lines: TomlLine[], i: number, limit: number): number {
  let depth = 0;
  let open: MultilineQuote | undefined;
  for (let j = i; j < limit; j++) {
    const line = lines[j].text;
    open = outsideStrings(line, j === i ? line.indexOf('=') + 1 : 0, open, (c) => {
      if (c === '[' || c === '{') depth++;
      if (c === ']' || c === '}') depth--;
    });
    if (depth <= 0 && !open) return j;
  }
  return limit - 1;
}

/** The edit must leave valid TOML that reads back exactly what we meant; otherwise nothing is written. */
function checkResult(next: string, file: string, launch: McpLaunch | undefined): void {
  const parsed = parseTomlOrThrow(next, file, 'would not be valid TOML after the change');
  const table = (parsed.mcp_servers as Record<string, Record<string, unknown>> | undefined)?.[mcpServerName];
  const ok = launch ? table?.command === launch.command && JSON.stringify(table?.args) === JSON.stringify(launch.args) : table === undefined;
  if (!ok) throw new McpConfigError(`${file}: the change did not read back as intended; Tokenmeter did not change it. Add the server by hand.`);
}
