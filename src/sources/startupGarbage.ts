/**
 * One full collection in the editor's extension host once Tokenmeter's start-up work is done (first pass, index
 * save, folder watches) and the host has been quiet for a while (issue 19: what Tokenmeter adds to the host).
 *
 * During start-up V8 grows the host's young generation to its maximum (two 16 MB semi-spaces, resident once used)
 * and a cold scan leaves its garbage in the old generation. V8 gives both back only in a memory-reducing
 * collection, which its memory reducer starts some time after a full collection while allocation stays low; in the
 * extension host that was 10 to 70 s after the first number or not within the bench's minute (docs/benchmarks.md,
 * extension host memory, sessions 10 and 17). A full collection started when allocation has been low for a few
 * seconds gives back the same (V8 shrinks the young generation in a full collection while the allocation rate is
 * low: Heap::ReduceNewSpaceSize).
 *
 * An extension has no call for it: `gc` exists only with `--expose-gc`. The flag is set while one new context is
 * made (V8 adds `gc` to contexts made while it is on) and unset at once, so no other context gets `gc` and V8's
 * flags are as they were: nothing else in the shared host sees a change.
 */
export function collectStartupGarbage(): boolean {
  const collect = exposedGc();
  if (!collect) return false;
  collect();
  return true;
}

function exposedGc(): (() => void) | undefined {
  const v8 = require('node:v8') as typeof import('node:v8');
  const vm = require('node:vm') as typeof import('node:vm');
  try {
    v8.setFlagsFromString('--expose-gc');
  } catch {
    // A runtime that refuses flags after start (V8's --freeze-flags-after-init): no collection; V8's own comes later.
    return undefined;
  }
  try {
    const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
    return typeof gc === 'function' ? () => (gc as () => void)() : undefined;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}
