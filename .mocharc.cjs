// `npm run test:unit` / `npx mocha`: the fast unit suite (see test/suites.cjs for what runs in test:stress instead).
module.exports = {
  spec: ['test/unit/**/*.test.ts'],
  ignore: require('./test/suites.cjs').stressOnly,
  require: ['tsx/cjs', './test/phrasesSetup.cjs'],
  timeout: 20000,
  reporter: 'spec',
};
