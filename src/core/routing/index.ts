/** Routing: which model tier a request needs, the live hint, and what the user's outcomes say. */
export * from './tiers';
export * from './request';
export { analyzeRequest, type RequestFeatures, type HardTopic } from './signals';
export { readRequest, hasLearnedModel, type ModelReading } from './learnedModel';
export { routeRequest } from './advisor';
export * from './liveHint';
export * from './escalation';
