// A display language for the real host without the official language pack (it cannot be installed offline): an
// empty pack that translates nothing in VS Code itself but makes the language a display language, which is all the
// extension host needs to load package.nls.<lang>.json and l10n/bundle.l10n.<lang>.json. Used by jaChecks.mjs and
// zhCnChecks.mjs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, startHost } from './host.mjs';

/**
 * Starts code-server with `--locale <languageId>` and the empty pack installed.
 * @param {{ dir: string, userDataDir: string, extensionsDir: string, workspaceDir: string, env: Record<string, string>,
 *           languageId: string, languageName: string, localizedLanguageName: string, settings?: Record<string, unknown> }} options
 */
export async function startHostInLanguage(options) {
  const { dir, userDataDir, extensionsDir, workspaceDir, env, languageId, settings } = options;
  const packId = `tokenmeter-test.${languageId}-display-language`;
  const vsix = buildLanguagePack(dir, options);
  const host = await startHost({ runDir: dir, userDataDir, extensionsDir, workspaceDir, env, locale: languageId, installExtensions: [vsix], settings });
  // VS Code reads language packs from languagepacks.json, which only the workbench's own installer writes.
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify({
    [languageId]: {
      hash: 'tokenmeter-test', label: options.localizedLanguageName, extensions: [{ extensionIdentifier: { id: packId }, version: '0.0.1' }],
      translations: { vscode: path.join(extensionsDir, `${packId}-0.0.1`, 'translations', 'main.i18n.json') },
    },
  }));
  return host;
}

/** Packs the empty language pack into `dir` and returns the .vsix path. */
function buildLanguagePack(dir, { languageId, languageName, localizedLanguageName }) {
  const src = path.join(dir, `${languageId}-pack`);
  fs.mkdirSync(path.join(src, 'translations'), { recursive: true });
  fs.writeFileSync(path.join(src, 'package.json'), JSON.stringify({
    name: `${languageId}-display-language`, publisher: 'tokenmeter-test', version: '0.0.1', license: 'MIT',
    description: `Test only: makes ${languageId} a display language; translates nothing.`,
    engines: { vscode: '^1.100.0' }, categories: ['Language Packs'],
    contributes: { localizations: [{ languageId, languageName, localizedLanguageName, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
  }, null, 2));
  fs.writeFileSync(path.join(src, 'translations', 'main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
  fs.writeFileSync(path.join(src, 'README.md'), 'Test language pack.\n');
  fs.copyFileSync(path.join(repoRoot, 'LICENSE'), path.join(src, 'LICENSE'));
  const vsix = path.join(dir, `${languageId}-pack.vsix`);
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: src, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`vsce package (language pack) failed: ${r.stderr || r.stdout}`);
  return vsix;
}
