// Cold parse of Claude Code transcripts in a fresh process, the JavaScript reader against the WebAssembly kernel
// (src/wasm/claudeLines.ts): each transcript read into the kernel's memory (both readers read the same buffer), the
// CPU of the parse alone (reads excluded). Bundle it first (tsx adds getters to every import):
//   node -e "require('esbuild').buildSync({entryPoints:['bench/claudeParse.ts'],bundle:true,platform:'node',outfile:'/tmp/claudeParse.cjs'})"
//   node /tmp/claudeParse.cjs <corpus>/claude js|wasm|diff dist/claudeLines.wasm
// `diff` reads every range both ways (the JavaScript reader on a copy) and counts the ranges whose usages or tally differ.
// PASSES=3 parses the same files again in the same process (the later passes run code V8 has optimized).
import { openSync, readSync, closeSync, fstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseClaudeLines } from '../src/sources/agents/claude/parser';
import { claudeFileContext } from '../src/sources/agents/claude/paths';
import { ClaudeKernel } from '../src/sources/agents/claude/kernelLines';
import { emptyTally } from '../src/core/lineParser';

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}
const [root, mode = 'js', wasmPath = 'dist/claudeLines.wasm'] = process.argv.slice(2);
const projects = join(root, 'projects');
const files = walk(projects).sort();
// As the reader reads: 1 MB at a time into one buffer (here the kernel's), lines cut at the last newline; a line
// longer than that goes to a Buffer of its own, read the JavaScript way in both modes (as the reader's long-line buffer).
const chunkBytes = 1024 * 1024;
let t = process.cpuUsage();
const module = new WebAssembly.Module(readFileSync(wasmPath));
const kernel = new ClaudeKernel(module, chunkBytes);
let d = process.cpuUsage(t);
console.log(`kernel compiled and instantiated: ${((d.user + d.system) / 1000).toFixed(1)} ms CPU`);
const buf = mode === 'js' ? Buffer.allocUnsafe(chunkBytes) : kernel.input;
let differ = 0;
let ranges = 0;
for (let pass = 0; pass < Number(process.env.PASSES ?? 1); pass++) {
  const tally = emptyTally();
  let usages = 0;
  let tokens = 0;
  let cpu = 0;
  const sink = (u: { event: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWrite5mTokens: number; cacheWrite1hTokens: number } }) => {
    usages++;
    tokens += u.event.inputTokens + u.event.outputTokens + u.event.cacheReadTokens + u.event.cacheWrite5mTokens + u.event.cacheWrite1hTokens;
  };
  for (const f of files) {
    const file = claudeFileContext(relative(projects, f));
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
        // A line longer than the buffer: the rest of the file in a Buffer of its own.
        const long = Buffer.allocUnsafe(size - position + filled);
        buf.copy(long, 0, 0, filled);
        readSync(fd, long, filled, size - position, position);
        t = process.cpuUsage();
        parseClaudeLines(long, 0, long.length, file, sink, tally);
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
        parseClaudeLines(Buffer.from(buf.subarray(0, last)), 0, last, file, (u) => js.usages.push(u), js.tally);
        kernel.parse(0, last, file, (u) => wasm.usages.push(u), wasm.tally);
        ranges++;
        if (!isDeepStrictEqual(js, wasm)) {
          differ++;
          console.log(`differs: ${f} at ${position - filled}`);
        }
        parseClaudeLines(buf, 0, last, file, sink, tally);
      } else if (mode === 'wasm') kernel.parse(0, last, file, sink, tally);
      else parseClaudeLines(buf, 0, last, file, sink, tally);
      d = process.cpuUsage(t);
      cpu += d.user + d.system;
      carried = position === size ? 0 : filled - (last + 1);
      if (carried > 0) buf.copy(buf, 0, last + 1, filled);
    }
    closeSync(fd);
  }
  if (mode === 'diff') console.log(`diff: ${ranges} ranges read both ways, ${differ} differ; kernel lines passed over ${kernel.counts.passedOver}, read from records ${kernel.counts.picked}, handed back unsure ${kernel.counts.unsure}`);
  console.log(`${mode} pass ${pass + 1}: parse ${(cpu / 1000).toFixed(0)} ms CPU, ${files.length} files, ${tally.lines} lines, ${usages} usages, ${tokens} tokens, ${tally.malformedLines} malformed`);
}
