// The formatter's two rules that need no locale, currency or phrasebook: US dollars and compact token counts in
// plain digits. `Formatter` (format.ts, which re-exports both) builds every money and token text on them; the
// Claude status line (claudeStatusLine/line.ts) imports them alone because it runs on every refresh and loads
// nothing else.

/** Compact human numbers: 950, 12.3K, 1.9M, 1.2B. */
export function formatTokens(tokens: number): string {
  const abs = Math.abs(tokens);
  if (abs >= 1e9) return `${(tokens / 1e9).toFixed(1)}B`;
  if (abs >= 1e6) return `${(tokens / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(tokens / 1e3).toFixed(1)}K`;
  return String(Math.round(tokens));
}

/** US dollars with plain digits: `$12.40`, `$0.004` below a cent (what scripts and `--json` readers see). */
export function formatUsd(usd: number): string {
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(2)}`;
}
