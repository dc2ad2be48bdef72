// Cold parse of Codex rollouts in a fresh process, the JavaScript reader against the WebAssembly kernel
// (src/wasm/codexLines.ts): each rollout read 1 MB at a time into the kernel's memory (both readers read the same
// buffer, as the reader reads), the CPU of the parse alone (reads excluded). Bundle it first (tsx adds getters to
// every import):
//   node -e "require('esbuild').buildSync({entryPoints:['bench/codexParse.ts'],bundle:true,platform:'node',outfile:'/tmp/codexParse.cjs'})"
//   node /tmp/codexParse.cjs <corpus>/codex js|wasm|diff [dist/codexLines.wasm]
// `diff` reads every range both ways (the JavaScript reader on a copy, each with its own file state) and counts the
// ranges whose usages or tally differ, and the files whose state (session, project, model, totals, rate limits,
// credits) differs at the end. PASSES=3 parses the same files again in the same process.
import { openSync, readSync, closeSync, fstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseCodexLines } from '../src/sources/agents/codex/parser';
import { newCodexFileState } from '../src/sources/agents/codex/records';
import { CodexKernel } from '../src/sources/agents/codex/kernelLines';
import { emptyTally } from '../src/core/lineParser';

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}
const [root, mode = 'js', wasmPath = 'dist/codexLines.wasm'] = process.argv.slice(2);
const files = walk(root).sort();
const chunkBytes = 1024 * 1024;
let t = process.cpuUsage();
const module = new WebAssembly.Module(readFileSync(wasmPath));
const kernel = new CodexKernel(module, chunkBytes);
let d = process.cpuUsage(t);
console.log(`kernel compiled and instantiated: ${((d.user + d.system) / 1000).toFixed(1)} ms CPU`);
const buf = mode === 'js' ? Buffer.allocUnsafe(chunkBytes) : kernel.input;
let differ = 0;
let statesDiffer = 0;
let ranges = 0;
for (let pass = 0; pass < Number(process.env.PASSES ?? 1); pass++) {
  const tally = emptyTally();
  let usages = 0;
  let tokens = 0;
  let cpu = 0;
  const sink = (u: { event: { inputTokens: number; outputTokens: number; cacheReadTokens: number } }) => {
    usages++;
    tokens += u.event.inputTokens + u.event.outputTokens + u.event.cacheReadTokens;
  };
  for (const f of files) {
    const state = newCodexFileState(f);
    const jsState = newCodexFileState(f);
    const fd = openSync(f, 'r');
    const size = fstatSync(fd).size;
    let position = 0;
    let carried = 0;
    while (position < size) {
      const n = readSync(fd, buf, carried, Math.min(chunkBytes - carried, size - position), position);
      position += n;
      const filled = carried + n;
      const last = position === size ? filled : buf.lastIndexOf(0x0a, filled - 1);
      if (last === -1) {
        // A line longer than the buffer: the rest of the file in a Buffer of its own (the JavaScript way in every mode).
        const long = Buffer.allocUnsafe(size - position + filled);
        buf.copy(long, 0, 0, filled);
        readSync(fd, long, filled, size - position, position);
        t = process.cpuUsage();
        parseCodexLines(long, 0, long.length, state, sink, tally);
        if (mode === 'diff') parseCodexLines(long, 0, long.length, jsState, () => undefined, emptyTally());
        d = process.cpuUsage(t);
        cpu += d.user + d.system;
        position = size;
        carried = 0;
        break;
      }
      t = process.cpuUsage();
      if (mode === 'diff') {
        const js = { usages: [] as unknown[], tally: emptyTally() };
        const wasm = { usages: [] as unknown[], tally: emptyTally() };
        parseCodexLines(Buffer.from(buf.subarray(0, last)), 0, last, jsState, (u) => js.usages.push(u), js.tally);
        kernel.parse(0, last, state, (u) => wasm.usages.push(u), wasm.tally);
        for (const u of wasm.usages) sink(u as Parameters<typeof sink>[0]);
        tally.lines += wasm.tally.lines;
        tally.malformedLines += wasm.tally.malformedLines;
        ranges++;
        if (!isDeepStrictEqual(js, wasm)) {
          differ++;
          console.log(`differs: ${f} at ${position - filled}`);
        }
      } else if (mode === 'wasm') kernel.parse(0, last, state, sink, tally);
      else parseCodexLines(buf, 0, last, state, sink, tally);
      d = process.cpuUsage(t);
      cpu += d.user + d.system;
      carried = position === size ? 0 : filled - (last + 1);
      if (carried > 0) buf.copy(buf, 0, last + 1, filled);
    }
    closeSync(fd);
    if (mode === 'diff' && !isDeepStrictEqual(state, jsState)) {
      statesDiffer++;
      console.log(`state differs: ${f}`);
    }
  }
  if (mode === 'diff') console.log(`diff: ${ranges} ranges read both ways, ${differ} differ, ${statesDiffer} of ${files.length} file states differ; kernel lines passed over ${kernel.tallies.passedOver}, read from records ${kernel.tallies.fromRecords}, read by JavaScript ${kernel.tallies.other}`);
  console.log(`${mode} pass ${pass + 1}: parse ${(cpu / 1000).toFixed(0)} ms CPU, ${files.length} files, ${tally.lines} lines, ${usages} usages, ${tokens} tokens, ${tally.malformedLines} malformed`);
}
