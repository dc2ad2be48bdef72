// Cold parse of Codex rollouts in a fresh process: each file read into one reused buffer (as the reader does), the
// CPU of the parse alone (reads excluded). Bundle it first (tsx adds getters to every import):
//   node -e "require('esbuild').buildSync({entryPoints:['bench/codexParse.ts'],bundle:true,platform:'node',outfile:'/tmp/codexParse.cjs'})"
//   node /tmp/codexParse.cjs /work/corpus/real-large/codex
import { openSync, readSync, closeSync, fstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCodexLines } from '../src/sources/agents/codex/parser';
import { newCodexFileState } from '../src/sources/agents/codex/records';
import { emptyTally } from '../src/core/lineParser';

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}
const files = walk(process.argv[2]).sort();
let buf = Buffer.allocUnsafe(Math.max(...files.map((f) => statSync(f).size)) + 1);
buf.fill(0);
// PASSES=2: the same files again in this process (the second pass runs code V8 has optimized).
for (let pass = 0; pass < Number(process.env.PASSES ?? 1); pass++) {
  const tally = emptyTally();
  let usages = 0;
  let tokens = 0;
  let cpu = 0;
  for (const f of files) {
    const fd = openSync(f, 'r');
    const size = fstatSync(fd).size;
    let filled = 0;
    while (filled < size) filled += readSync(fd, buf, filled, size - filled, filled);
    closeSync(fd);
    const t = process.cpuUsage();
    parseCodexLines(buf, 0, filled, newCodexFileState(f), (u) => { usages++; tokens += u.event.inputTokens + u.event.outputTokens + u.event.cacheReadTokens; }, tally);
    const d = process.cpuUsage(t);
    cpu += d.user + d.system;
  }
  console.log(`parse ${(cpu / 1000).toFixed(0)} ms CPU, ${files.length} files, ${tally.lines} lines, ${usages} usages, ${tokens} tokens, ${tally.malformedLines} malformed`);
}
