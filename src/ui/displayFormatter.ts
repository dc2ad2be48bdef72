// Money and words in VS Code's display language (`vscode.env.language`) and the configured currency. The words of a
// language other than English are read once from the extension's l10n/ folder (sources/phraseFiles.ts), the same
// bundle.l10n.<id>.json VS Code loads for `vscode.l10n.t`; extension.js and statusController.js each hold their own
// copy of core/phrases.ts, so both come through here.
import * as vscode from 'vscode';
import { Formatter } from '../core/format';
import { phraseLanguageOf } from '../core/phrases';
import type { DisplaySettings } from '../core/settings';
import { usePhraseFiles } from '../sources/phraseFiles';

export function displayFormatter(display: Pick<DisplaySettings, 'currency' | 'cnyPerUsd'>, timeZone?: string): Formatter {
  const locale = vscode.env.language;
  if (phraseLanguageOf(locale) !== 'en') usePhraseFiles();
  return new Formatter({ locale, currency: display.currency, cnyPerUsd: display.cnyPerUsd, timeZone });
}
