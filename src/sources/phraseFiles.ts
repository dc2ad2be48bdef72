// Reads a display language's words from l10n/bundle.l10n.<id>.json, the folder that ships beside dist/, the first
// time that language is asked for. No bundle is compiled into the CLI, MCP or extension bundles (each would add
// ~40 KB of text to parse on every start); English needs no read at all (core/phrases.ts: the key is the text).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setPhraseLoader, type PhraseLanguage, type PhraseLoader, type PhraseTable } from '../core/phrases';

/**
 * Where l10n/ is from a bundle's folder: dist/ and dist/cli/ in the packaged extension and the npm package,
 * src/sources/ when run from source (tests, tsx).
 */
export function l10nDirsFrom(dir: string): string[] {
  return [path.join(dir, '..', 'l10n'), path.join(dir, '..', '..', 'l10n')];
}

/** One language's bundle from the first folder that has it; undefined when none does or it is not a string table. */
export function readPhraseBundle(dirs: readonly string[], language: Exclude<PhraseLanguage, 'en'>): PhraseTable | undefined {
  for (const dir of dirs) {
    let text: string;
    try {
      text = readFileSync(path.join(dir, `bundle.l10n.${language}.json`), 'utf8');
    } catch {
      continue; // Not in this folder: try the next; none means English words, which is what the caller shows.
    }
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && Object.values(parsed).every((v) => typeof v === 'string')) return parsed as PhraseTable;
    throw new Error(`${path.join(dir, `bundle.l10n.${language}.json`)} is not a table of strings: reinstall Tokenmeter.`);
  }
  return undefined;
}

const installed = new Map<string, PhraseLoader>();

/** Makes core/phrases.ts read bundles from these folders when a language is first asked for (idempotent). */
export function usePhraseFiles(dirs: readonly string[] = l10nDirsFrom(__dirname)): void {
  const key = dirs.join('\0');
  let load = installed.get(key);
  if (!load) {
    load = (language) => readPhraseBundle(dirs, language);
    installed.set(key, load);
  }
  setPhraseLoader(load);
}
