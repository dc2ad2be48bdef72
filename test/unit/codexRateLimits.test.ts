// mergeCodexLimits runs for every token_count line, so it is written for speed; it must still fold
// exactly as the plain rule says (one reading per limit id and window, newest wins, a fresh-window
// placeholder never hides a real reading of a running window), in the order a Map keeps.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { codexLimitKey, codexLimitTaken, mergeCodexLimits, putCodexLimits, type CodexRateLimit } from '../../src/core/codexRateLimits';

function referenceMerge(known: readonly CodexRateLimit[], incoming: readonly CodexRateLimit[]): CodexRateLimit[] {
  const byKey = new Map(known.map((l) => [codexLimitKey(l), l]));
  for (const next of [...incoming].sort((a, b) => a.observedAtMs - b.observedAtMs)) {
    const current = byKey.get(codexLimitKey(next));
    if (current && next.observedAtMs < current.observedAtMs) continue;
    const fresh = next.usedPercent === 0 && next.windowMinutes !== undefined && next.resetsAtMs !== undefined && Math.abs(next.resetsAtMs - (next.observedAtMs + next.windowMinutes * 60_000)) <= 60_000;
    if (current && fresh && current.usedPercent > 0 && (current.resetsAtMs === undefined || current.resetsAtMs > next.observedAtMs)) continue;
    byKey.set(codexLimitKey(next), next);
  }
  return [...byKey.values()];
}

const limitArb: fc.Arbitrary<CodexRateLimit> = fc
  .record({
    name: fc.constantFrom('primary' as const, 'secondary' as const),
    limitId: fc.option(fc.constantFrom('codex', 'codex_bengalfox', 'x'), { nil: undefined }),
    usedPercent: fc.constantFrom(0, 0, 12.5, 80),
    windowMinutes: fc.option(fc.constantFrom(300, 10080), { nil: undefined }),
    observedAtMs: fc.integer({ min: 0, max: 20 }).map((m) => m * 60_000),
    resetsIn: fc.option(fc.constantFrom(0, 30, 300, 10080), { nil: undefined }),
  })
  .map(({ resetsIn, ...l }) => ({ ...l, resetsAtMs: resetsIn === undefined ? undefined : l.observedAtMs + resetsIn * 60_000 }));

describe('mergeCodexLimits', () => {
  it('folds as the plain rule does, whatever the readings and their order', () => {
    fc.assert(
      fc.property(fc.array(limitArb, { maxLength: 5 }), fc.array(limitArb, { maxLength: 4 }), (known, incoming) => {
        assert.deepEqual(mergeCodexLimits(known, incoming), referenceMerge(known, incoming));
      }),
      { numRuns: 1000 },
    );
  });

  it('is judged reading by reading without folding (codexLimitTaken), and put in place when every reading is taken (putCodexLimits)', () => {
    // Known readings with repeats of a limit (the last one counts), and one or two readings of limits apart.
    fc.assert(
      fc.property(fc.array(limitArb, { maxLength: 6 }), limitArb, fc.option(limitArb, { nil: undefined }), (known, next, other) => {
        assert.equal(codexLimitTaken(known, next), mergeCodexLimits(known, [next]).includes(next));
        const incoming = other && other.name !== next.name ? [next, { ...other, observedAtMs: next.observedAtMs }] : [next];
        if (incoming.every((l) => codexLimitTaken(known, l))) assert.deepEqual(putCodexLimits(known, incoming), mergeCodexLimits(known, incoming));
      }),
      { numRuns: 2000 },
    );
  });
});
