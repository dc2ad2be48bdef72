import type { ParsedUsage } from '../core/claudeLog';
import { sourceNames } from '../core/usageEvent';
import type { FileScanResult } from './usageScanner';

/**
 * Scan results in a form that crosses a worker boundary cheaply: numbers in one
 * transferable array, repeated names once, dedup keys joined into one string.
 * Cloning a hundred thousand small objects instead costs more than parsing them.
 */
export interface PackedResults {
  files: Omit<FileScanResult, 'usages'>[];
  usageCounts: number[];
  names: string[];
  keys: string;
  numbers: Float64Array;
}

const fieldsPerUsage = 13;

export function packResults(results: FileScanResult[]): PackedResults {
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const ref = (value: string) => {
    let at = nameIndex.get(value);
    if (at === undefined) nameIndex.set(value, (at = names.push(value) - 1));
    return at;
  };
  const total = results.reduce((sum, r) => sum + r.usages.length, 0);
  const numbers = new Float64Array(total * fieldsPerUsage);
  const keys: string[] = [];
  let at = 0;
  for (const result of results) {
    for (const { event: e, dedupKey } of result.usages) {
      numbers[at] = sourceNames.indexOf(e.source);
      numbers[at + 1] = e.timestampMs;
      numbers[at + 2] = ref(e.sessionId);
      numbers[at + 3] = ref(e.agentId);
      numbers[at + 4] = ref(e.project);
      numbers[at + 5] = ref(e.model);
      numbers[at + 6] = dedupKey === undefined ? 0 : 1;
      numbers[at + 7] = e.inputTokens;
      numbers[at + 8] = e.outputTokens;
      numbers[at + 9] = e.cacheWrite5mTokens;
      numbers[at + 10] = e.cacheWrite1hTokens;
      numbers[at + 11] = e.cacheReadTokens;
      numbers[at + 12] = e.loggedCostUsd ?? NaN;
      at += fieldsPerUsage;
      if (dedupKey !== undefined) keys.push(dedupKey);
    }
  }
  return {
    files: results.map(({ usages: _, ...rest }) => rest),
    usageCounts: results.map((r) => r.usages.length),
    names,
    keys: keys.join('\n'),
    numbers,
  };
}

export function unpackResults(packed: PackedResults): FileScanResult[] {
  const keys = packed.keys === '' ? [] : packed.keys.split('\n');
  const { names, numbers } = packed;
  let keyAt = 0;
  let at = 0;
  return packed.files.map((file, i) => {
    const usages: ParsedUsage[] = [];
    for (let n = 0; n < packed.usageCounts[i]; n++, at += fieldsPerUsage) {
      usages.push({
        dedupKey: numbers[at + 6] === 1 ? keys[keyAt++] : undefined,
        event: {
          source: sourceNames[numbers[at]], timestampMs: numbers[at + 1],
          sessionId: names[numbers[at + 2]], agentId: names[numbers[at + 3]], project: names[numbers[at + 4]], model: names[numbers[at + 5]],
          inputTokens: numbers[at + 7], outputTokens: numbers[at + 8], cacheWrite5mTokens: numbers[at + 9], cacheWrite1hTokens: numbers[at + 10], cacheReadTokens: numbers[at + 11],
          ...(Number.isNaN(numbers[at + 12]) ? {} : { loggedCostUsd: numbers[at + 12] }),
        },
      });
    }
    return { ...file, usages };
  });
}
