// What `tokenmeter status --json --config FILE` does for budgets, as a standalone program: the
// secrets suite runs it too, so the endpoint code path is checked apart from the rest of the CLI.
import { budgetExitCode, budgetStatusJson, pollBudgets, readEndpointsConfigFile } from '../../src/sources/endpoints';

void (async () => {
  const readings = await pollBudgets(await readEndpointsConfigFile(process.argv[2]), process.env, Date.now());
  console.log(JSON.stringify(budgetStatusJson(readings), null, 2));
  process.exitCode = budgetExitCode(readings);
})();
