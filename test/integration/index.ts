// Mocha runner that executes INSIDE the VS Code extension host (loaded through the workbench URL's
// `extensionTestsPath`, same contract as @vscode/test-electron: the module exports `run(): Promise<void>`).
// test/host/runIntegration.mjs bundles this file and every test/integration/**/*.test.ts into one CJS module whose
// `run` is `createRun(() => { require('./a.test.ts'); … })`. The extension host forwards console output to the
// browser (`codeAutomationLog`), and the resolved/rejected promise becomes `codeAutomationExit(0 | 1)`.
import Mocha from 'mocha';

/** Prefix of the one machine-readable line the runner prints; runIntegration.mjs parses it. */
export const resultMarker = '__TOKENMETER_MOCHA_RESULT__';

export interface InHostTestResult {
  title: string;
  ok: boolean;
  durationMs: number;
  error?: string;
}

export interface InHostResult {
  passed: number;
  failed: number;
  tests: InHostTestResult[];
}

export function createRun(loadTests: () => void, options: { timeoutMs?: number } = {}): () => Promise<void> {
  return async function run(): Promise<void> {
    const mocha = new Mocha({ ui: 'bdd', color: false, timeout: options.timeoutMs ?? 30_000, reporter: 'spec' });
    // Define describe/it on the global object, then evaluate the bundled test modules.
    mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
    loadTests();
    const result: InHostResult = { passed: 0, failed: 0, tests: [] };
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test) => {
        result.passed += 1;
        result.tests.push({ title: test.fullTitle(), ok: true, durationMs: test.duration ?? 0 });
      });
      runner.on('fail', (test, error: unknown) => {
        result.failed += 1;
        const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
        result.tests.push({ title: test.fullTitle(), ok: false, durationMs: test.duration ?? 0, error: message });
      });
    });
    console.log(`${resultMarker}${JSON.stringify(result)}`);
    if (result.failed > 0) throw new Error(`${result.failed} in-host test(s) failed`);
    if (result.passed === 0) throw new Error('no in-host tests ran');
  };
}
