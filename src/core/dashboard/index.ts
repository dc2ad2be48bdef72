// The dashboard's numbers (core): the pre-summed index, the range a query covers, one gauge per limit, the view the
// page draws and its patches, a session's breakdown, the CSV exports and the runaway alerts as dashboard items.
export { DashboardIndex, localDayOf, dateKeyOfDay } from './dashboardIndex';
export { resolveRange, type ResolvedRange } from './range';
export { gaugeOfLimit } from './gauges';
export { buildDashboardView, viewPatch, type ViewOptions } from './view';
export { sessionDetails } from './sessionDetails';
export { dailyExportRows, toCsv, sessionCsvColumns, dailyCsvColumns, type DailyExportRow } from './csvExport';
export { runawayAlertItems } from './alerts';
