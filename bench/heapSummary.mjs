#!/usr/bin/env node
// What a V8 heap snapshot holds, by retained size (issue 19: Tokenmeter in the extension host against a bare host).
// Reads .heapsnapshot files (bench/hostMemory.mjs --settle --snapshot <dir>), builds the dominator tree (Cooper,
// Harvey and Kennedy's iterative algorithm over the graph from the snapshot's root, weak edges left out as the
// DevTools do) and prints, per file: the heap's total, the largest objects by retained size and the classes
// (constructor names) by self size. With two or more files, the classes' self sizes side by side, the first file
// the reference (the bare host).
//
//   node bench/heapSummary.mjs bare.heapsnapshot warm.heapsnapshot [--top 30]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const argv = process.argv.slice(2);
const top = argv.includes('--top') ? Number(argv[argv.indexOf('--top') + 1]) : 30;
const files = argv.filter((a, i) => a.endsWith('.heapsnapshot') && argv[i - 1] !== '--top');

function load(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snapshot.snapshot.meta;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = snapshot;
  const count = nodes.length / nodeFields;
  const at = (name) => meta.node_fields.indexOf(name);
  const [typeAt, nameAt, sizeAt, edgeCountAt] = [at('type'), at('name'), at('self_size'), at('edge_count')];
  const [edgeTypeAt, edgeNameAt, edgeToAt] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
  const weak = edgeTypes.indexOf('weak');
  const firstEdge = new Uint32Array(count + 1);
  for (let n = 0; n < count; n++) firstEdge[n + 1] = firstEdge[n] + nodes[n * nodeFields + edgeCountAt] * edgeFields;
  const succ = (n, visit) => {
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += edgeFields) {
      if (edges[e + edgeTypeAt] !== weak) visit(edges[e + edgeToAt] / nodeFields, e);
    }
  };
  // Reverse post-order from the root (node 0), iteratively.
  const order = new Int32Array(count).fill(-1);
  const post = [];
  const stack = [0];
  const next = new Uint32Array(count);
  const seen = new Uint8Array(count);
  seen[0] = 1;
  for (let n = 0; n < count; n++) next[n] = firstEdge[n];
  while (stack.length) {
    const n = stack[stack.length - 1];
    let pushed = false;
    while (next[n] < firstEdge[n + 1]) {
      const e = next[n];
      next[n] += edgeFields;
      if (edges[e + edgeTypeAt] === weak) continue;
      const to = edges[e + edgeToAt] / nodeFields;
      if (!seen[to]) {
        seen[to] = 1;
        stack.push(to);
        pushed = true;
        break;
      }
    }
    if (!pushed) {
      stack.pop();
      order[n] = post.length;
      post.push(n);
    }
  }
  const preds = Array.from({ length: count }, () => []);
  for (const n of post) succ(n, (to) => seen[to] && preds[to].push(n));
  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  const intersect = (a, b) => {
    while (a !== b) {
      while (order[a] < order[b]) a = idom[a];
      while (order[b] < order[a]) b = idom[b];
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = post.length - 1; i >= 0; i--) {
      const n = post[i];
      if (n === 0) continue;
      let d = -1;
      for (const p of preds[n]) if (idom[p] !== -1) d = d === -1 ? p : intersect(p, d);
      if (d !== idom[n]) {
        idom[n] = d;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(count);
  for (const n of post) retained[n] += nodes[n * nodeFields + sizeAt];
  for (const n of post) if (n !== 0) retained[idom[n]] += retained[n];
  const typeOf = (n) => nodeTypes[nodes[n * nodeFields + typeAt]];
  const nameOf = (n) => strings[nodes[n * nodeFields + nameAt]];
  const label = (n) => `${typeOf(n)} ${String(nameOf(n)).slice(0, 60).replace(/\s+/g, ' ')}`;
  // A retainer's path for the largest objects: the dominator chain, named by the edge from each dominator.
  const edgeName = (from, to) => {
    let name = '';
    succ(from, (t, e) => {
      if (t === to && !name) {
        const v = edges[e + edgeNameAt];
        name = typeof v === 'number' && edgeTypes[edges[e + edgeTypeAt]] !== 'property' && edgeTypes[edges[e + edgeTypeAt]] !== 'internal' && edgeTypes[edges[e + edgeTypeAt]] !== 'context' ? `[${v}]` : String(strings[v]);
      }
    });
    return name || '?';
  };
  const path = (n) => {
    const parts = [];
    for (let m = n, i = 0; m !== 0 && i < 6; m = idom[m], i++) parts.push(`${edgeName(idom[m], m)}`);
    return parts.reverse().join('.');
  };
  const total = post.reduce((sum, n) => sum + nodes[n * nodeFields + sizeAt], 0);
  const byClass = new Map();
  for (const n of post) {
    const key = typeOf(n) === 'object' || typeOf(n) === 'closure' ? `${typeOf(n)} ${nameOf(n)}` : `(${typeOf(n)})`;
    byClass.set(key, (byClass.get(key) ?? 0) + nodes[n * nodeFields + sizeAt]);
  }
  // Largest retainers that are not the synthetic roots' near descendants: objects whose retained size is large and
  // whose dominator retains much more (their own subtree is a unit worth naming).
  const candidates = post.filter((n) => retained[n] > 200_000 && typeOf(n) !== 'synthetic');
  candidates.sort((a, b) => retained[b] - retained[a]);
  return { total, byClass, largest: candidates.slice(0, top * 3).map((n) => ({ n, retained: retained[n], self: nodes[n * nodeFields + sizeAt], label: label(n), path: path(n) })) };
}

const mb = (b) => (b / 1048576).toFixed(2);
const loaded = files.map((file) => ({ file, ...load(file) }));
for (const { file, total, largest } of loaded) {
  console.log(`\n${basename(file)}: ${mb(total)} MB reachable`);
  for (const o of largest.slice(0, top)) console.log(`  ${mb(o.retained).padStart(7)} MB retained  ${mb(o.self).padStart(6)} self  ${o.label}  <- ${o.path}`);
}
if (loaded.length > 1) {
  const keys = new Set(loaded.flatMap((l) => [...l.byClass.keys()]));
  const rows = [...keys].map((k) => ({ k, sizes: loaded.map((l) => l.byClass.get(k) ?? 0) }));
  rows.sort((a, b) => Math.max(...b.sizes.slice(1).map((s) => s - b.sizes[0])) - Math.max(...a.sizes.slice(1).map((s) => s - a.sizes[0])));
  console.log(`\nself size by class, MB (${loaded.map((l) => basename(l.file)).join(' | ')}), largest growth over the first:`);
  console.log(`  total: ${loaded.map((l) => mb(l.total)).join(' | ')}`);
  for (const { k, sizes } of rows.slice(0, top)) console.log(`  ${sizes.map(mb).join(' | ')}  ${k.slice(0, 80)}`);
}
