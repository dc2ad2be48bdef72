/**
 * The router lives in `./routing/` (tiers and prices, rule signals, learned model, advisor, live
 * hint); this file keeps the old import path for callers.
 */
export * from './routing';
