/** Every command Tokenmeter contributes; a unit test checks package.json against this table. */
export const CommandId = {
  showUsage: 'tokenmeter.showUsage',
  refresh: 'tokenmeter.refresh',
  setBudget: 'tokenmeter.setBudget',
  openLogsFolder: 'tokenmeter.openLogsFolder',
  showOutput: 'tokenmeter.showOutput',
  openDashboard: 'tokenmeter.openDashboard',
} as const;
