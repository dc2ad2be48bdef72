/**
 * Runaway guard: the detector (detector.ts) and what is built on it — the
 * user's baseline (baseline.ts), alert sentences (messages.ts), sub-agent
 * concurrency advice (advice.ts), the hook's decision (guard.ts).
 */
export * from './types';
export { RunawayDetector } from './detector';
export { replayAlerts, replayInto, baselineFromHistory } from './baseline';
export { repetitionKeyOf, type AgentAction } from './actions';
export { shortSessionId, largeContextTokens, runawayMessage, runawayStatusOf, timesText, type RunawayStatus } from './messages';
export { recommendMaxConcurrentSubagents, type ConcurrencyAdvice } from './advice';
export { plans, planDefaults, withPlanDefaults, windowBudgetOf, type Plan, type PlanDefaults } from './plans';
