/**
 * Token counts shown to users. gpt-tokenizer's o200k_base is exact for current OpenAI models;
 * Anthropic has not published Claude's tokenizer, so for Claude (and anything else) the same count
 * is labelled an estimate. The encoder (a few MB of tables) is loaded on first use only.
 */
import { englishUsd } from './format';

export interface TokenCount {
  tokens: number;
  /** True unless the model is known to use o200k_base. */
  isEstimate: boolean;
  method: 'o200k_base' | 'approx';
}

type Encoder = typeof import('gpt-tokenizer/cjs/encoding/o200k_base');
let encoder: Encoder | undefined;

function loadEncoder(): Encoder {
  // require (not import()) so that both esbuild's cjs bundle and tsx pick the package's "require" export.
   
  encoder ??= require('gpt-tokenizer/cjs/encoding/o200k_base') as Encoder;
  return encoder;
}

// Above this, count a prefix exactly and scale by characters; tokenizing many MB blocks for seconds.
const exactLimitChars = 1_000_000;

/** Models whose tokenizer is o200k_base (GPT-4o, GPT-4.1, GPT-5, o-series, Codex). */
export function usesO200k(model: string | undefined): boolean {
  return model !== undefined && /^(gpt-4o|gpt-4\.1|gpt-5|o[1-9]|codex|chatgpt-4o)/i.test(model);
}

/** Four characters per token, one per CJK character: for when no exact count is needed. */
export function approxTokenCount(text: string): number {
  let cjk = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3400 && c <= 0x9fff) cjk++;
  }
  return Math.ceil((text.length - cjk) / 4 + cjk);
}

/** Tokens in `text` for `model` (default: a Claude model, so an estimate). */
export async function countTokens(text: string, model?: string): Promise<TokenCount> {
  const isEstimate = !usesO200k(model) || text.length > exactLimitChars;
  try {
    const enc = loadEncoder();
    if (text.length <= exactLimitChars) return { tokens: enc.countTokens(text), isEstimate, method: 'o200k_base' };
    const prefix = text.slice(0, exactLimitChars);
    return { tokens: Math.round(enc.countTokens(prefix) * (text.length / prefix.length)), isEstimate: true, method: 'o200k_base' };
  } catch {
    // The encoder is bundled; if it still fails to load, say so through `method: 'approx'`
    // rather than block an estimate.
    return { tokens: approxTokenCount(text), isEstimate: true, method: 'approx' };
  }
}

/** "≈12,345 tokens (estimate)" or "12,345 tokens". */
export function formatTokenCount(count: TokenCount): string {
  return `${count.isEstimate ? '≈' : ''}${englishUsd.wholeNumber(count.tokens)} tokens${count.isEstimate ? ' (estimate)' : ''}`;
}

/** Why counts for Claude are estimates, for tooltips and docs. */
export const tokenCountNote = 'Counted with the o200k_base tokenizer (gpt-tokenizer). Anthropic has not published Claude\'s tokenizer, so counts for Claude models are estimates.';
