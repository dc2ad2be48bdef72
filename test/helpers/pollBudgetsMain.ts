// What `tokenmeter status --json --config FILE` does for budgets, as a standalone program, so the
// secrets suite checks the endpoint code path even where the CLI command does not take --config yet.
import { budgetExitCode, budgetStatusJson, pollBudgets, readEndpointsConfigFile } from '../../src/sources/endpoints';

void (async () => {
  const readings = await pollBudgets(await readEndpointsConfigFile(process.argv[2]), process.env, Date.now());
  console.log(JSON.stringify(budgetStatusJson(readings), null, 2));
  process.exitCode = budgetExitCode(readings);
})();
