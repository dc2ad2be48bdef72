// Mocha reporter for test/runAll.mjs: the usual `spec` output, plus the counts written as JSON to the file named by
// TOKENMETER_COUNTS_FILE when the run ends (mocha's own summary line is not what CI reads).
// Usage: TOKENMETER_COUNTS_FILE=/tmp/c.json npx mocha --reporter ./test/host/countingReporter.cjs
const fs = require('node:fs');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_FAIL } = Mocha.Runner.constants;

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const failures = [];
    runner.on(EVENT_TEST_FAIL, (test, error) => failures.push({ title: test.fullTitle(), error: String(error && error.message) }));
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.TOKENMETER_COUNTS_FILE;
      if (!file) return;
      const { passes, failures: failed, pending, tests } = this.stats;
      fs.writeFileSync(file, JSON.stringify({ passed: passes, failed, pending, tests, failures }));
    });
  }
}

module.exports = CountingReporter;
