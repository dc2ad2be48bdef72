/**
 * Exits as soon as the event loop is empty (output flushed, a background price refresh done, nothing else pending),
 * instead of through Node's own teardown: freeing the heap and finishing V8's queued background compiles the run
 * no longer needs. A cold `daily --json` of the real Codex rollouts spent ~45 ms of wall after its 'exit' event,
 * against ~20 ms for an empty script (docs/benchmarks.md, Codex-only cold scan, session 17). 'exit' handlers run
 * as always, and the exit code is `process.exitCode`'s.
 */
export function exitWhenIdle(proc: Pick<NodeJS.Process, 'once' | 'exit'> = process): void {
  proc.once('beforeExit', () => proc.exit());
}
