// Probe for issue 19 (cold Codex scan): a hand-assembled WebAssembly line walk (no toolchain: the module is written byte
// by byte below; Liftoff compiles it at load) against the same walk in JS (Buffer#indexOf + byte compare), in a fresh
// process, over every rollout of a corpus: lines, and lines starting with {"timestamp":". CPU of the walk only.
//   MODE=wasm|js node bench/wasmLineWalk.cjs /work/corpus/real-large/codex
const fs = require('node:fs'); const path = require('node:path');
function uleb(n) { const o = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; }
function sleb(n) { const o = []; for (;;) { const b = Number(n & 0x7fn); n >>= 7n; if ((n === 0n && !(b & 0x40)) || (n === -1n && (b & 0x40))) { o.push(b); return o; } o.push(b | 0x80); } }
const prefix = Buffer.from('{"timestamp":"');
const k1 = prefix.readBigInt64LE(0), k2 = prefix.readInt32LE(8), k3 = prefix.readUInt16LE(12);
const P = 0, N = 1, END = 2, LINES = 3, HITS = 4;
const get = (l) => [0x20, l], set = (l) => [0x21, l];
const body = [
  1, 3, 0x7f, // 3 locals i32
  ...get(P), ...get(N), 0x6a, ...set(END),
  0x02, 0x40, // block done
  0x03, 0x40, // loop line
  ...get(P), ...get(END), 0x4f, 0x0d, 1, // br_if done
  ...get(P), 0x29, 3, 0, 0x42, ...sleb(k1), 0x51,
  ...get(P), 0x28, 2, 8, 0x41, ...sleb(BigInt(k2)), 0x46, 0x71,
  ...get(P), 0x2f, 1, 12, 0x41, ...sleb(BigInt(k3)), 0x46, 0x71,
  0x04, 0x40, ...get(HITS), 0x41, 1, 0x6a, ...set(HITS), 0x0b,
  ...get(LINES), 0x41, 1, 0x6a, ...set(LINES),
  0x02, 0x40, 0x03, 0x40, // block nl, loop byte
  ...get(P), ...get(END), 0x4f, 0x0d, 1,
  ...get(P), 0x2d, 0, 0, 0x41, 10, 0x46, 0x0d, 1,
  ...get(P), 0x41, 1, 0x6a, ...set(P), 0x0c, 0,
  0x0b, 0x0b,
  ...get(P), 0x41, 1, 0x6a, ...set(P), 0x0c, 0, // next line
  0x0b, 0x0b,
  0x41, 0, ...get(HITS), 0x36, 2, 0,
  ...get(LINES), 0x0b,
];
const section = (id, bytes) => [id, ...uleb(bytes.length), ...bytes];
const str = (s) => [...uleb(s.length), ...Buffer.from(s)];
const wasm = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]), ...section(3, [1, 0]), ...section(5, [1, 0, 1]),
  ...section(7, [2, ...str('scan'), 0, 0, ...str('mem'), 2, 0]), ...section(10, [1, ...uleb(body.length), ...body])]);
function walk(dir, out = []) { for (const e of fs.readdirSync(dir, { withFileTypes: true })) { const p = path.join(dir, e.name); if (e.isDirectory()) walk(p, out); else if (e.name.endsWith('.jsonl')) out.push(p); } return out; }
const files = walk(process.argv[2]).sort();
const max = Math.max(...files.map((f) => fs.statSync(f).size)) + 64;
const mode = process.env.MODE;
let buf, scan, mem;
if (mode === 'wasm') {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(wasm));
  mem = inst.exports.mem; mem.grow(Math.ceil((max + 16) / 65536)); scan = inst.exports.scan;
  buf = Buffer.from(mem.buffer, 16, max);
} else buf = Buffer.allocUnsafe(max);
buf.fill(0);
let lines = 0, hits = 0, cpu = 0;
for (const f of files) {
  const fd = fs.openSync(f, 'r'); const size = fs.fstatSync(fd).size; let filled = 0;
  while (filled < size) filled += fs.readSync(fd, buf, filled, size - filled, filled);
  fs.closeSync(fd);
  const t = process.cpuUsage();
  if (mode === 'wasm') { lines += scan(16, filled); hits += new Int32Array(mem.buffer, 0, 1)[0]; }
  else {
    let at = 0;
    while (at < filled) {
      let nl = buf.indexOf(10, at); if (nl === -1) nl = filled;
      let k = 0; while (k < 14 && buf[at + k] === prefix[k]) k++;
      if (k === 14) hits++;
      lines++; at = nl + 1;
    }
  }
  const d = process.cpuUsage(t); cpu += d.user + d.system;
}
console.log(`${mode} ${(cpu / 1000).toFixed(0)} ms CPU, ${lines} lines, ${hits} with the prefix`);
