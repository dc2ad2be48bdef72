/** Every command Tokenmeter contributes; a unit test checks package.json against this table. */
export const CommandId = {
  showUsage: 'tokenmeter.showUsage',
  refresh: 'tokenmeter.refresh',
  setBudget: 'tokenmeter.setBudget',
  openLogsFolder: 'tokenmeter.openLogsFolder',
  showOutput: 'tokenmeter.showOutput',
  openDashboard: 'tokenmeter.openDashboard',
  setApiKey: 'tokenmeter.setApiKey',
  requestMoreBudget: 'tokenmeter.requestMoreBudget',
  connectClaudeStatusLine: 'tokenmeter.connectClaudeStatusLine',
  disconnectClaudeStatusLine: 'tokenmeter.disconnectClaudeStatusLine',
  installBudgetHook: 'tokenmeter.installBudgetHook',
  removeBudgetHook: 'tokenmeter.removeBudgetHook',
  showRunawaySessions: 'tokenmeter.showRunawaySessions',
  estimateTaskCost: 'tokenmeter.estimateTaskCost',
  routingReport: 'tokenmeter.routingReport',
  configure: 'tokenmeter.configure',
} as const;
