// Text from logs and servers (model names, project folders, session ids, server error messages)
// is untrusted: printed raw, `\x1b]0;…\x07` retitles the terminal, `\x1b[2J` clears it, OSC 8
// makes links, `\r` overwrites what was printed and a newline fakes a table row. Every surface
// that prints such text to a terminal or to an agent passes it through here first.

// C0 controls (tab and newline included: they break a table row), DEL, C1 controls (U+009B is a
// CSI on its own in many terminals), and the bidirectional overrides and isolates that reorder
// what is shown ("Trojan Source").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unsafeChars = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function visible(c: string): string {
  const known = named[c];
  if (known) return known;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` safe to print in a terminal: every control character, escape and bidi override is
 * replaced by a visible escape (`\e`, `\n`, `\x07`, `\u202e`), so it shows as text and cannot
 * move the cursor, retitle, clear, link or fake lines. Printable text is unchanged.
 */
export function sanitizeForTerminal(text: string): string {
  return text.replace(unsafeChars, visible);
}

/**
 * An untrusted name for text an agent reads (guard's stderr): sanitised, clipped to `maxChars`,
 * and in double quotes, so injected words ("SYSTEM: …") read as part of a quoted name.
 */
export function quoteUntrusted(text: string, maxChars = 80): string {
  const clean = sanitizeForTerminal(text).replace(/"/g, '\\"');
  return `"${clean.length > maxChars ? `${clean.slice(0, maxChars - 1)}…` : clean}"`;
}

/**
 * `message` with each of `names` (project, model, …: untrusted parts it embeds) quoted by
 * quoteUntrusted, and the rest sanitised, for text an agent reads.
 */
export function quoteNamesIn(message: string, names: readonly (string | undefined)[]): string {
  const unique = [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))].sort((a, b) => b.length - a.length);
  // Placeholders keep a later (shorter) name from matching inside an earlier replacement.
  let out = message;
  unique.forEach((name, i) => (out = out.split(name).join(`\u0000${i}\u0000`)));
  out = sanitizeForTerminal(out);
  return out.replace(/\\x00(\d+)\\x00/g, (_, i: string) => quoteUntrusted(unique[Number(i)]));
}

/**
 * JSON for a terminal: JSON.stringify, which escapes C0 controls but leaves C1 controls, DEL and
 * bidi overrides raw; those are escaped too (`\u009b`), so the output stays valid, equal JSON.
 */
export function terminalSafeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
