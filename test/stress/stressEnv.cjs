// Loaded by `npm run test:stress` before the specs: the unit fault suites run again with many more cases.
process.env.TOKENMETER_FUZZ_RUNS ??= '3000';
process.env.TOKENMETER_FS_RUNS ??= '400';
process.env.TOKENMETER_INDEX_KILLS ??= '200';
process.env.TOKENMETER_STRESS = '1';
