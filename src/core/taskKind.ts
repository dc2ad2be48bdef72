/**
 * Task kinds for routing and estimates, from a request's text in any language: the learned model
 * (`routing/learnedModel.ts`, words and rule scores) when its data is present, else the rules.
 */
import { readRequest } from './routing/learnedModel';

export type TaskKind =
  | 'completion'   // finish a function / fill in a TODO
  | 'rename'       // rename a symbol or file
  | 'edit'         // mechanical edit: typo, format, sort, convert, bump a version
  | 'docstring'    // comments / docstrings on given code
  | 'question'     // explain / how do I
  | 'test'         // write or fix tests
  | 'docs'         // README, guides, API docs
  | 'review'       // code review, audit
  | 'bugfix'       // fix a bug, error, crash
  | 'refactor'     // restructure without changing behaviour
  | 'feature'      // add or implement something
  | 'architecture' // design, architecture, migration plans
  | 'other';

export const taskKinds: readonly TaskKind[] = [
  'completion', 'rename', 'edit', 'docstring', 'question', 'test', 'docs', 'review',
  'bugfix', 'refactor', 'feature', 'architecture', 'other',
];

/** Human label for a kind, for tables and reasons. */
export const taskKindLabels: Record<TaskKind, string> = {
  completion: 'completion', rename: 'rename', edit: 'small edit', docstring: 'docstring',
  question: 'question', test: 'tests', docs: 'docs', review: 'code review', bugfix: 'bug fix',
  refactor: 'refactor', feature: 'feature', architecture: 'architecture', other: 'other',
};

export { classifyTaskKindByRules, scoreTaskKinds } from './routing/kindRules';

/** The most likely task kind of a request or a session's first prompt. */
export function classifyTaskKind(text: string): TaskKind {
  return readRequest({ prompt: text }).kind;
}
