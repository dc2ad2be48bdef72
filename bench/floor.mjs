#!/usr/bin/env node
// The floor for a cold scan in Node: read every .jsonl file once (1 MB chunks, one thread) and count
// newlines. Anything that parses usage does at least this much. `node bench/floor.mjs DIR...`

import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

const buf = Buffer.allocUnsafe(1 << 20);
let files = 0;
let bytes = 0;
let lines = 0;

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.jsonl')) {
      files++;
      const fd = openSync(p, 'r');
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
        bytes += n;
        for (let i = buf.indexOf(10, 0); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) lines++;
      }
      closeSync(fd);
    }
  }
}

for (const dir of process.argv.slice(2)) walk(dir);
process.stdout.write(JSON.stringify({ files, bytes, lines }) + '\n');
