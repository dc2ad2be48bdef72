// `npm run test:stress`: soak, kill, fault, fuzz and CLI-process suites (test/suites.cjs) with raised counts.
module.exports = {
  spec: ['test/stress/**/*.test.ts', ...require('../suites.cjs').stressOnly],
  require: ['tsx/cjs', './test/stress/stressEnv.cjs', './test/phrasesSetup.cjs'],
  timeout: 900000,
  reporter: 'spec',
};
