// Which test files run where. `npm run test:unit` (plain `mocha`, .mocharc.cjs) is the one-minute loop: everything in
// test/unit except the files below. `npm run test:stress` (test/stress/mocharc.cjs) runs these and test/stress/**
// with more cases; CI (`npm test` → test/runAll.mjs) runs both, so every test still runs on every build.
module.exports = {
  stressOnly: [
    // Soak, SIGKILL, fault injection and fuzzing: long by design, counts raised by test/stress/stressEnv.cjs.
    'test/unit/fsFaultsSoak.test.ts',
    'test/unit/indexSafety.test.ts',
    'test/unit/fsFaults.test.ts',
    'test/unit/endpointFaults.test.ts',
    'test/unit/fuzzEndpoints.test.ts',
    'test/unit/fuzzParsers.test.ts',
    // The CLI and several processes as real child processes (seconds each).
    'test/unit/runawayCli.test.ts',
    'test/unit/routerCli.test.ts',
    'test/unit/statusLineCli.test.ts',
    'test/unit/uiStatusConfig.test.ts',
    'test/unit/uiNotifyOnce.test.ts',
    'test/unit/cliHardening.test.ts',
    'test/unit/statusLineWrapTimeout.test.ts',
    'test/unit/codeCache.test.ts',
    'test/unit/coldStartModules.test.ts',
    'test/unit/warmStatusModules.test.ts',
    'test/unit/cliExitWhenIdle.test.ts',
    'test/unit/cliLanguage.test.ts',
    'test/unit/secrets.test.ts',
    // The benchmark corpus generator and pipeline, end to end.
    'test/unit/benchSmoke.test.ts',
    // The CLI in every display language: two child processes per language.
    'test/unit/languagesCli.test.ts',
  ],
};
