// Loaded by mocha (unit and stress) after tsx: core/phrases.ts compiles no bundle in, so the tests read
// l10n/bundle.l10n.<id>.json from the repository the way the CLI and the extension host read it beside dist/.
require('../src/sources/phraseFiles').usePhraseFiles();
