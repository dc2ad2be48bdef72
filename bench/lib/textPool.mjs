// A pool of code-like text, already JSON-string-escaped, that tool results and prompts are cut from.
// Cuts are made only at line starts, so a slice never splits an escape sequence and is always a
// valid JSON string body. Some lines carry traps for fast scanners: escaped JSON that looks like a
// usage line (`\"type\":\"assistant\"`, `\"usage\":{`), escaped backslashes before quotes, and
// multi-byte UTF-8.

const WORDS = [
  'ledger', 'usage', 'token', 'session', 'scan', 'index', 'offset', 'buffer', 'chunk', 'parse', 'price',
  'model', 'cache', 'budget', 'report', 'daily', 'window', 'block', 'event', 'source', 'config', 'state',
  'render', 'status', 'value', 'result', 'error', 'retry', 'stream', 'worker', 'queue', 'file', 'path',
  'line', 'count', 'total', 'limit', 'reset', 'agent', 'request', 'response', 'handler', 'client', 'server',
  'user', 'item', 'list', 'map', 'key', 'entry', 'node', 'tree', 'graph', 'edge', 'range', 'span', 'cursor',
];
const TYPES = ['string', 'number', 'boolean', 'Buffer', 'Ledger', 'UsageEvent', 'Map<string, number>', 'void'];
const PROSE = [
  'Let me look at how the scanner handles a partial last line before changing it.',
  'The failing test expects the totals to match after a restart, so the index must be reloaded.',
  'I will read the file first, then make the smallest change that fixes the off-by-one.',
  'Running the unit tests again to confirm the fix and check nothing else regressed.',
  'The benchmark shows most of the time is spent in JSON.parse on lines that carry no usage.',
  'This function is called for every line; moving the allocation out of the loop helps.',
  'Now I understand the issue: the dedup key ignores the request id when it is missing.',
  'Good, all 214 tests pass. Next I will update the README with the new option.',
  'Die Änderung betrifft nur die Zeitzone — café, naïve, 東京, ✓ all handled as UTF-8.',
];

function camel(rng, n) {
  let out = rng.pick(WORDS);
  for (let i = 1; i < n; i++) {
    const w = rng.pick(WORDS);
    out += w[0].toUpperCase() + w.slice(1);
  }
  return out;
}

function codeLine(rng) {
  const indent = '  '.repeat(rng.int(5));
  switch (rng.int(22)) {
    case 0:
      return `${indent}export function ${camel(rng, 2)}(${camel(rng, 1)}: ${rng.pick(TYPES)}): ${rng.pick(TYPES)} {`;
    case 1:
      return `${indent}const ${camel(rng, 2)} = await ${camel(rng, 2)}(${camel(rng, 1)}, ${rng.int(10000)});`;
    case 2:
      return `${indent}if (${camel(rng, 1)}.${camel(rng, 1)} > ${rng.int(500)}) return ${camel(rng, 1)};`;
    case 3:
      return `${indent}// ${rng.pick(PROSE)}`;
    case 4:
      return `${indent}throw new Error(\\"${camel(rng, 1)} failed: \\" + ${camel(rng, 1)}.message);`;
    case 5:
      return `${indent}}`;
    case 6:
      return '';
    case 7:
      return `${indent}for (const ${camel(rng, 1)} of ${camel(rng, 2)}) {`;
    case 8:
      return `${indent}${camel(rng, 1)}.${camel(rng, 1)}(\\"${camel(rng, 3)}\\", { ${camel(rng, 1)}: ${rng.int(99)}, ${camel(rng, 1)}: true });`;
    case 9:
      return `${indent}import { ${camel(rng, 2)}, ${camel(rng, 1)} } from \\"./${camel(rng, 1)}\\";`;
    case 10:
      // Escaped backslashes right before an escaped quote: a scanner must not end the string here.
      return `${indent}const winPath = \\"C:\\\\Users\\\\dev\\\\${camel(rng, 1)}\\\\\\";  const re = /\\\\d+\\\\.\\\\d+/;`;
    case 11:
      // A log line being read by the agent: escaped JSON that looks like a usage line.
      return `{\\"type\\":\\"assistant\\",\\"message\\":{\\"model\\":\\"claude-sonnet-4-5-20250929\\",\\"id\\":\\"msg_01${rng.base62(8)}\\",\\"usage\\":{\\"input_tokens\\":${rng.int(9999)},\\"output_tokens\\":${rng.int(999)}}},\\"requestId\\":\\"req_${rng.base62(10)}\\"}`;
    case 12:
      return `${indent}${rng.pick(PROSE)}`;
    case 13:
      return `${indent}  \\u001b[32m✓\\u001b[0m ${camel(rng, 3)} (${rng.int(90)} ms)\\t→ ok`;
    default:
      return `${indent}${camel(rng, 1)} = ${camel(rng, 1)}.${camel(rng, 2)} + ${rng.int(1000)};`;
  }
}

export class TextPool {
  /**
   * @param {import('./prng.mjs').Rng} rng
   * @param {number} targetChars size of the pool (JSON-escaped characters)
   */
  constructor(rng, targetChars = 4_000_000) {
    const parts = [];
    const starts = [];
    let length = 0;
    while (length < targetChars) {
      starts.push(length);
      const line = codeLine(rng) + '\\n';
      parts.push(line);
      length += line.length;
    }
    this.text = parts.join('');
    this.starts = Int32Array.from(starts);
    this.rng = rng;
  }

  /** Index of the first line start at or after `pos`. */
  lineAt(pos) {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** About `chars` characters of escaped text, cut at line boundaries (may wrap around the pool). */
  slice(chars) {
    const text = this.text;
    if (chars <= 0) return '';
    const out = [];
    let remaining = chars;
    while (remaining > 0) {
      const startIndex = this.lineAt(this.rng.int(text.length));
      const start = startIndex < this.starts.length ? this.starts[startIndex] : 0;
      const wanted = Math.min(remaining, text.length - start);
      let endIndex = this.lineAt(start + wanted);
      let end = endIndex < this.starts.length && this.starts[endIndex] >= start + wanted ? this.starts[endIndex] : text.length;
      if (end <= start) end = text.length;
      out.push(text.slice(start, end));
      remaining -= end - start;
    }
    return out.join('');
  }

  /** One sentence of prose (escaped). */
  sentence() {
    return this.rng.pick(PROSE);
  }
}
