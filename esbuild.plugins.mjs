// esbuild plugins shared by esbuild.config.mjs and the tests that bundle the CLI themselves
// (test/helpers/mcpHarness.ts), so that both lay out dist/ the same way.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

export const tokenizerModule = 'gpt-tokenizer/cjs/encoding/o200k_base';
export const pricesModule = '@pydantic/genai-prices';
export const priceMemoModule = 'tokenmeter-price-memo';

/**
 * The tokenizer's tables, the price data and zod are bundles of their own (dist/tokenizer.js,
 * dist/prices.js, dist/zod.js), required from `dir` only when first used.
 */
export const separateBundles = (dir) => ({
  name: 'separate-bundles',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^${tokenizerModule}$`) }, () => ({ path: `${dir}/tokenizer.js`, external: true }));
    build.onResolve({ filter: new RegExp(`^${pricesModule}$`) }, () => ({ path: `${dir}/prices.js`, external: true }));
    // The price data's answers for the names it knows, made at build time (esbuild.config.mjs, src/core/pricing.ts's priceMemoText).
    build.onResolve({ filter: new RegExp(`^${priceMemoModule}$`) }, () => ({ path: `${dir}/priceMemo.js`, external: true }));
    // zod/v4 is zod 4's root export under another name (the MCP SDK imports it so): one copy, one bundle.
    build.onResolve({ filter: /^zod(\/v4)?$/ }, () => ({ path: `${dir}/zod.js`, external: true }));
  },
});

/**
 * The MCP SDK's server imports ajv (and builds an Ajv instance) to validate elicitation answers.
 * `tokenmeter mcp` elicits nothing and passes its own validator (src/mcp/server.ts), so ajv and
 * ajv-formats are left out: about a third of the server bundle and of its load time.
 */
export const withoutAjv = {
  name: 'without-ajv',
  setup(build) {
    build.onResolve({ filter: /^ajv(-formats)?$/ }, (args) => ({ path: args.path, namespace: 'without-ajv' }));
    build.onLoad({ filter: /.*/, namespace: 'without-ajv' }, () => ({
      contents: "export default function Ajv() { throw new Error('ajv is not bundled with tokenmeter mcp'); }",
      loader: 'js',
    }));
  },
};

/**
 * The price package keeps its data as one JavaScript object literal (~460 KB) in its bundle: parsing and
 * evaluating it cost ~80 ms of CPU on every CLI start that prices anything. At build time the literal is
 * moved to `prices.json` beside the bundle and read with `JSON.parse` (about half the cost; V8 parses JSON
 * much faster than an object literal), without the fields nothing reads: descriptions and price
 * comments, providers' pricing URLs and the response `extractors` used only by the package's `extractUsage`
 * (Tokenmeter calls `calcPrice` and `findProvider` only). Providers, models, match rules and prices are kept
 * as they are; `test/unit/priceDataBundle.test.ts` prices every model both ways.
 * @param {string} source the package's CommonJS bundle
 * @returns {{ code: string, json: string }} the bundle reading `prices.json` from its own folder, and that file
 */
export function compactPriceSource(source) {
  const head = /(?:const|let|var) ([A-Za-z_$][\w$]*)=\[\{id:"/.exec(source);
  if (!head) throw new Error('compactPriceSource: the price data literal was not found (new @pydantic/genai-prices layout?)');
  const start = head.index + head[0].indexOf('[');
  let end = start;
  let depth = 0;
  let quote = '';
  for (; end < source.length; end++) {
    const c = source[end];
    if (quote) {
      if (c === '\\') end++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '[' || c === '{' || c === '(') depth++;
    else if ((c === ']' || c === '}' || c === ')') && --depth === 0) break;
  }
  const literal = source.slice(start, end + 1);
  // Build-time evaluation of the dependency's own data literal (no code: checked by the JSON round trip below).
  const data = new Function(`return ${literal};`)();
  const json = JSON.stringify(data);
  if (!Array.isArray(data) || !isDeepStrictEqual(data, JSON.parse(json)) || !data.every((p) => typeof p.id === 'string' && Array.isArray(p.models))) {
    throw new Error('compactPriceSource: the price data is not plain JSON data (new @pydantic/genai-prices layout?)');
  }
  const without = (object, keys) => Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
  const compact = data.map((provider) => ({
    ...without(provider, ['pricing_urls', 'extractors', 'description', 'price_comments']),
    models: provider.models.map((model) => without(model, ['description', 'price_comments'])),
  }));
  const read = "JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, 'prices.json'), 'utf8'))";
  return { code: withoutCollator(source.slice(0, start) + read + source.slice(end + 1)), json: JSON.stringify(compact) };
}

/**
 * The package sorts with `localeCompare` twice: each unit's dimension names when it loads (only to build a map key)
 * and, in every price calculation, units of as many dimensions by usage key. The first `localeCompare` of a process
 * starts ICU's collator: ~9-10 ms of CPU on every CLI run that prices anything. Code-unit order makes the same map
 * keys (any total order does: they are looked up through the same function) and, on the package's usage keys
 * (lowercase words, digits and `_`), the same order as `localeCompare` (test/unit/priceDataBundle.test.ts checks
 * every pair, and prices every model both ways).
 * @param {string} code
 */
function withoutCollator(code) {
  const sorts = [
    ['sort(([t],[a])=>t.localeCompare(a))', 'sort(([t],[a])=>t<a?-1:t>a?1:0)'],
    ['n.usageKey.localeCompare(s.usageKey)', '(n.usageKey<s.usageKey?-1:n.usageKey>s.usageKey?1:0)'],
  ];
  for (const [from, to] of sorts) {
    if (code.split(from).length !== 2) throw new Error(`compactPriceSource: ${from} was not found once (new @pydantic/genai-prices layout?)`);
    code = code.replace(from, to);
  }
  return code;
}

/** Builds the price bundle with its data in `jsonFile` (see compactPriceSource). */
export const compactPriceData = (jsonFile) => ({
  name: 'compact-price-data',
  setup(build) {
    build.onLoad({ filter: /[\\/]@pydantic[\\/]genai-prices[\\/]dist[\\/]index\.cjs$/ }, async (args) => {
      const { code, json } = compactPriceSource(await readFile(args.path, 'utf8'));
      await mkdir(dirname(jsonFile), { recursive: true });
      await writeFile(jsonFile, json);
      return { contents: code, loader: 'js' };
    });
  },
});

/**
 * One non-ASCII character anywhere in a bundle (a `…` in a comment kept by esbuild, a CJK word in a regular
 * expression literal, which esbuild's `charset: 'ascii'` leaves as it is) makes V8 hold the whole source as
 * two-byte text: twice the bytes to decode and scan. For `tokenmeter mcp` (zod.js, cli/mcp.js) that was
 * ~10 ms of each start (docs/benchmarks.md, MCP server start-up). Each such character becomes a `\uXXXX`
 * escape, which means the same in strings, templates, regular expressions (with or without the `u` flag) and
 * comments; an identity escape (`\架`) loses its backslash, as it means the character itself.
 * @param {string} code
 * @returns {string}
 */
export function asciiOnly(code) {
  // eslint-disable-next-line no-control-regex
  return code.replace(/(\\*)([^\x00-\x7f])/g, (_, slashes, char) => {
    const kept = slashes.length % 2 === 1 ? slashes.slice(1) : slashes;
    return `${kept}\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Rewrites each JavaScript file the build wrote with `asciiOnly`, when it needs it. */
export const asciiOutput = {
  name: 'ascii-output',
  setup(build) {
    build.initialOptions.metafile = true;
    build.onEnd(async (result) => {
      if (!result.metafile) return;
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      for (const file of Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).map((f) => resolve(cwd, f))) {
        const code = await readFile(file, 'utf8');
        // eslint-disable-next-line no-control-regex
        if (/[^\x00-\x7f]/.test(code)) await writeFile(file, asciiOnly(code));
      }
    });
  },
};
