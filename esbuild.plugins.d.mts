// Types for esbuild.plugins.mjs.
import type { Plugin } from 'esbuild';
export const tokenizerModule: string;
export const pricesModule: string;
export function separateBundles(dir: string): Plugin;
export const withoutAjv: Plugin;
export function compactPriceSource(source: string): { code: string; json: string };
export function compactPriceData(jsonFile: string): Plugin;
export function asciiOnly(code: string): string;
export const asciiOutput: Plugin;
