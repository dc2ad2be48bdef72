// Child process for the index-safety suite: saves the persisted index over and over, one version per
// save (alternately with blocking and async writes), printing "started" first and "saved <version>" after each, until killed. Version v holds `indexVersionSize(v)`
// events whose input tokens are 1..n and a cursor whose offset is n, so a reader can tell a whole
// index from a torn or mixed one. Usage: node child.js <indexPath> <firstVersion> [step]
import { Ledger } from '../../src/core/ledger/ledger';
import { UsageScanner } from '../../src/sources/usageScanner';
import { saveIndex } from '../../src/sources/usageIndex';
import { indexVersionSize } from './indexVersions';

async function main(): Promise<void> {
  const [file, first, step] = process.argv.slice(2);
  const scanner = new UsageScanner({ roots: { claudeDirs: [], codexDirs: [] }, workers: 0 });
  // Lets the killer time its kill from here, not from spawn (start-up is slow on a busy machine).
  process.stdout.write('started\n');
  for (let v = Number(first); ; v += Number(step ?? 1)) {
    const n = indexVersionSize(v);
    const ledger = new Ledger();
    for (let i = 1; i <= n; i++) {
      ledger.add({
        dedupKey: `msg_${v}_${i}:req_${i}`,
        event: { source: 'claude', timestampMs: 1_756_720_800_000 + i, sessionId: `s${i % 50}`, agentId: '', project: '-p', model: 'claude-sonnet-4-5', inputTokens: i, outputTokens: v, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 },
      });
    }
    scanner.restore(ledger, [{ path: `/logs/v${v}.jsonl`, source: 'claude', size: n, mtimeMs: v, offset: n, claude: { project: '-p', sessionId: 's', agentId: '' } }]);
    // Every other save with blocking writes (the CLI's), the others as the extension writes: both must be atomic.
    await saveIndex(file, scanner, v % 2 === 0 ? 'sync' : 'async');
    process.stdout.write(`saved ${v}\n`);
  }
}

void main();
