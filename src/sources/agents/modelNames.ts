/**
 * The model name to record for a request. Routers log `anthropic/claude-sonnet-4.5` or
 * `anthropic/claude-3.7-sonnet:thinking`, Bedrock logs `us.anthropic.claude-sonnet-4-20250514-v1:0`;
 * the bundled price data (src/core/pricing.ts) knows none of those spellings but does know
 * the bare model, so the router and region prefixes are dropped. `:free` and other suffixes
 * name a different SKU and stay. Kept free of the price data itself: this runs in scan
 * workers, which must stay small.
 */
export function pricedModelName(model: string): string {
  const noToggle = model.replace(/:thinking$/, '');
  const bare = noToggle.slice(noToggle.lastIndexOf('/') + 1);
  return bare.replace(/^(?:[a-z]{2,4}\.)?anthropic\./, '').replace(/-v\d+:\d+$/, '') || model;
}
