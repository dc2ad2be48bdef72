// Issue 17 item 5: the Sessions CSV export guards every text cell against formula injection,
// including array cells such as `models`.
import { strict as assert } from 'node:assert';
import { sessionCsvColumns, toCsv } from '../../src/core/dashboard';

describe('CSV export formula guard (issue 17 #5)', () => {
  it('prefixes a models list that starts like a formula, and leaves numbers alone', () => {
    const row = {
      sessionId: 's1', source: 'claude', project: '@SUM(1)', models: ['=HYPERLINK("http://evil","x")', 'claude-opus-4'],
      subAgents: 0, startMs: 1, endMs: 2, requests: 3, tokens: 4, costUsd: -1.5, unpricedTokens: 0,
    };
    const [, line] = toCsv([row], sessionCsvColumns).split('\r\n');
    assert.ok(line.includes(`"'=HYPERLINK(""http://evil"",""x"") claude-opus-4"`), line);
    assert.ok(line.includes(`,'@SUM(1),`), line);
    assert.ok(line.endsWith(',-1.5,0'), 'a negative number stays a number');
    for (const cell of line.split(',')) assert.doesNotMatch(cell, /^"?[=+@]/, `unguarded cell ${cell}`);
  });
});
