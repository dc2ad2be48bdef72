/**
 * A cap on V8's young generation, for processes of our own (the CLI, the MCP server), never the editor's shared
 * extension host: V8's flags are process-wide. A scan makes many short-lived objects on the main thread, and V8
 * grows the young generation to its maximum (two 16 MB semi-spaces, resident once used) when enough of them
 * survive collections. There is no run-time setting for the maximum, but the growth factor is read at each
 * growth: it is set to 1 once the young generation has reached the cap, and checked again as the scan goes,
 * because each new isolate (a scan thread starting) sets it back to at least 2 (measured, Node 20).
 * Too small a cap costs CPU on a long history (survivors promoted, more full collections): docs/benchmarks.md,
 * memory session 7.
 */
let capBytes: number | undefined;
let checkedAtMs = -Infinity;
/** node:v8, once a check has loaded it: a require per check went through the module loader (~10-25 ms of a cold scan). */
let v8: typeof import('node:v8') | undefined;

/**
 * Caps the young generation of this process at `megabytes` (both semi-spaces) from now on. The first check is the
 * scanner's first renewYoungGenerationCap, as it lists or reads logs: until the young generation reaches the cap, a
 * check sets V8's default growth factor (2) again, so checking here would change nothing, and a warm status that
 * finds nothing new to read then loads neither `node:v8` nor the timers behind `performance`.
 */
export function capYoungGeneration(megabytes: number): void {
  capBytes = megabytes * 1024 * 1024;
  checkedAtMs = -Infinity;
}

/** Sets the growth factor again (at most every 20 ms: ~10 µs a check); nothing unless capYoungGeneration was called. */
export function renewYoungGenerationCap(): void {
  if (capBytes === undefined) return;
  // Date.now, not performance.now: the global `performance` loads node:perf_hooks (~1-5 ms) when first read.
  const nowMs = Date.now();
  if (nowMs - checkedAtMs < 20) return;
  checkedAtMs = nowMs;
  v8 ??= require('node:v8') as typeof import('node:v8');
  const youngBytes = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  v8.setFlagsFromString(`--semi-space-growth-factor=${youngBytes >= capBytes ? 1 : 2}`);
}
