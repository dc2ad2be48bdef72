// esbuild plugins shared by esbuild.config.mjs and the tests that bundle the CLI themselves
// (test/helpers/mcpHarness.ts), so that both lay out dist/ the same way.

export const tokenizerModule = 'gpt-tokenizer/cjs/encoding/o200k_base';
export const pricesModule = '@pydantic/genai-prices';

/**
 * The tokenizer's tables, the price data and zod are bundles of their own (dist/tokenizer.js,
 * dist/prices.js, dist/zod.js), required from `dir` only when first used.
 */
export const separateBundles = (dir) => ({
  name: 'separate-bundles',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^${tokenizerModule}$`) }, () => ({ path: `${dir}/tokenizer.js`, external: true }));
    build.onResolve({ filter: new RegExp(`^${pricesModule}$`) }, () => ({ path: `${dir}/prices.js`, external: true }));
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
