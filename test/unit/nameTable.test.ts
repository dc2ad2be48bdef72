// The ledger's names as a section of the index (layout 6): decoded one at a time when a row needs them, each block
// checked before its first name is read, damage refused; an index of layout 5 (names in the header) read again.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { blockNames, NameTable, NameTableError, nameSectionBytes, nameTextStart, type NameSectionHeader } from '../../src/core/ledger/nameTable';
import { fieldsPerRow, Ledger } from '../../src/core/ledger/ledger';
import { keySectionBytes, type KeySectionHeader } from '../../src/core/ledger/keyTable';
import { indexLayout } from '../../src/sources/indexFile';
import { deltaPathOf } from '../../src/sources/indexDelta';
import { loadIndex, saveIndex } from '../../src/sources/usageIndex';
import { claudeScanner, dayMs, sortedEvents, trustFolders, usageLine } from '../helpers/claudeIndexFixture';
import { binaryUnit } from '../helpers/binaryUnit';

/** `pieces` as one 8-byte aligned section, as a reader gets it from the file. */
function sectionOf(pieces: Uint8Array[]): Uint8Array {
  const section = new Uint8Array(new ArrayBuffer(pieces.reduce((n, p) => n + p.length, 0)));
  let at = 0;
  for (const p of pieces) section.set(p, (at += p.length) - p.length);
  return section;
}

function roundTrip(table: NameTable, order?: number[]): { header: NameSectionHeader; section: Uint8Array; back: NameTable } {
  const { header, pieces } = table.encode(order);
  const section = sectionOf(pieces);
  assert.equal(section.length, nameSectionBytes(header));
  assert.equal(section.length % 8, 0);
  return { header, section, back: NameTable.fromSection(header, section.slice()) };
}

// Names as logs give them: ids, paths, non-ASCII, and strings UTF-8 alone cannot hold (lone surrogates from `"\ud800"`).
const odd = ['', 'ünïcödé-프로젝트-项目', '🦀 emoji', 'line\nbreak "quoted" \\ back', '\ud800', 'a\udc00b', '\udbff\udfff', '\u0000nul', 'x'.repeat(5000)];
const nameArb = fc.oneof(fc.string(), fc.string({ unit: binaryUnit }), fc.uuid(), fc.constantFrom(...odd), fc.string({ unit: fc.constantFrom('a', '\ud800', '\udc00', 'é', '😀') }));
const namesArb = fc.uniqueArray(nameArb, { maxLength: 700 });

describe('ledger names as a section (index layout 6)', () => {
  it('round-trips any names, non-ASCII and lone surrogates included, and finds each by value without adding it', () => {
    fc.assert(
      fc.property(namesArb, (names) => {
        const { back } = roundTrip(NameTable.of(names));
        assert.equal(back.count, names.length);
        names.forEach((name, i) => assert.equal(back.get(i), name));
        names.forEach((name, i) => assert.equal(back.ref(name), i));
        assert.equal(back.count, names.length, 'ref added nothing it had');
      }),
      { numRuns: 60 },
    );
  });

  it('saved again from a section, copies each name as stored (same bytes) and picks names in any order', () => {
    fc.assert(
      fc.property(namesArb, fc.array(fc.nat(), { maxLength: 50 }), (names, picks) => {
        const table = NameTable.of(names);
        const once = roundTrip(table);
        const twice = roundTrip(once.back);
        assert.deepEqual(Buffer.from(twice.section), Buffer.from(once.section));
        const order = names.length === 0 ? [] : [...new Set(picks.map((p) => p % names.length))];
        const { back } = roundTrip(once.back, order);
        assert.deepEqual(back.slice(0), order.map((i) => names[i]));
      }),
      { numRuns: 40 },
    );
  });

  it('encodes names added as strings whose stored forms are ASCII at once, to the bytes it makes name by name', () => {
    // ASCII, and lone surrogates and control characters, whose stored form (JSON) is ASCII too; in any order.
    const asciiArb = fc.uniqueArray(fc.oneof(fc.string(), fc.uuid(), fc.constantFrom('\ud800', 'a\udc00b', '\u0000nul', 'line\nbreak', 'x'.repeat(5000))).filter((s) => [...s].every((c) => c.charCodeAt(0) < 0x80 || (c.length === 1 && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff))), { maxLength: 700 });
    fc.assert(
      fc.property(asciiArb, fc.array(fc.nat(), { maxLength: 60 }), (names, picks) => {
        const order = names.length === 0 ? undefined : [...new Set(picks.map((p) => p % names.length))];
        const nameByName = NameTable.of(names);
        (nameByName as unknown as { asciiText: () => undefined }).asciiText = () => undefined;
        for (const pick of [undefined, order]) {
          const atOnce = NameTable.of(names).encode(pick);
          const expected = nameByName.encode(pick);
          assert.deepEqual(atOnce.header, expected.header);
          assert.deepEqual(Buffer.from(sectionOf(atOnce.pieces)), Buffer.from(sectionOf(expected.pieces)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('adds names after a section and after a delta\'s section, each once, and saves them all', () => {
    const index = roundTrip(NameTable.of(['s1', 'ünï', 'm'])).back;
    const delta = roundTrip(NameTable.of(['s2', '\ud800'])).back;
    index.addTable(delta);
    assert.equal(index.ref('s2'), 3);
    assert.equal(index.ref('\ud800'), 4);
    assert.equal(index.ref('ünï'), 1);
    assert.equal(index.ref('new'), 5);
    assert.equal(index.ref('new'), 5);
    assert.deepEqual(roundTrip(index).back.slice(0), ['s1', 'ünï', 'm', 's2', '\ud800', 'new']);
    assert.deepEqual(index.slice(3), ['s2', '\ud800', 'new']);
  });

  it('refuses every single changed byte of a section of several blocks: at once (header, padding, lengths) or when its block is read', () => {
    const names = Array.from({ length: blockNames * 2 + 7 }, (_, i) => (i % 3 === 0 ? `séssion-${i}` : i % 17 === 0 ? `odd\ud800${i}` : `s${i}`));
    const { header, section } = roundTrip(NameTable.of(names));
    for (let byte = 0; byte < section.length; byte++) {
      const damaged = section.slice();
      damaged[byte] ^= 0x20;
      let table: NameTable;
      try {
        table = NameTable.fromSection(header, damaged);
      } catch (error) {
        assert.ok(error instanceof NameTableError, `byte ${byte}: ${String(error)}`);
        continue;
      }
      assert.throws(() => table.verifyAll(), NameTableError, `byte ${byte} not refused`);
      assert.match(table.damage() ?? '', /ledger names/);
      // Reading every name, or looking every name up by value (the slots), meets the damaged block.
      assert.throws(() => names.forEach((name, i) => assert.equal(table.get(i) && table.ref(name), i)), NameTableError, `byte ${byte} read`);
    }
  });

  it('checks only the blocks of the names it reads: a damaged block elsewhere does not stop them', () => {
    const names = Array.from({ length: blockNames * 3 }, (_, i) => `session-${i}`);
    const { header, section } = roundTrip(NameTable.of(names));
    const damaged = section.slice();
    // The first byte of the last name (the last block's).
    const last = `session-${blockNames * 3 - 1}`;
    damaged[nameTextStart(header) + header.bytes - last.length] ^= 0x01;
    const table = NameTable.fromSection(header, damaged);
    assert.equal(table.get(0), 'session-0');
    assert.equal(table.get(blockNames + 1), `session-${blockNames + 1}`);
    assert.throws(() => table.get(blockNames * 3 - 1), NameTableError);
    // A lookup by value checks the block of the name it finds: refused there, not elsewhere.
    assert.equal(table.ref('session-0'), 0);
    assert.throws(() => table.ref(`session-${blockNames * 3 - 2}`), NameTableError);
    // A lookup reads the saved slots of its probe, not every name: an end out of bounds in the last block does not stop it.
    const outOfBounds = section.slice();
    new Uint32Array(outOfBounds.buffer)[names.length - 5] = 0x7fffffff;
    const lookup = NameTable.fromSection(header, outOfBounds);
    assert.equal(lookup.ref('session-1'), 1);
    assert.equal(lookup.ref(`session-${blockNames}`), blockNames);
    assert.throws(() => lookup.verifyAll(), NameTableError);
  });

  it('refuses a header that does not fit the section', () => {
    const { header, section } = roundTrip(NameTable.of(['a', 'b']));
    assert.throws(() => NameTable.fromSection({ ...header, crc: header.crc ^ 1 }, section), NameTableError);
    assert.throws(() => NameTable.fromSection({ ...header, bytes: header.bytes + 8 }, section), NameTableError);
    assert.throws(() => NameTable.fromSection({ ...header, count: 3 }, section), NameTableError);
  });

  it('a ledger restored from a section equals the ledger it was saved from; a new request finds its names there', () => {
    const ledger = new Ledger();
    const event = (i: number) => ({ source: 'claude' as const, timestampMs: 1000 + i, sessionId: `sé-${i}`, agentId: i % 2 ? '' : `agent-\ud800${i}`, project: 'prøject', model: 'm', inputTokens: i, outputTokens: 1, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cacheReadTokens: 0 });
    for (let i = 0; i < blockNames * 2; i++) ledger.add({ event: event(i), dedupKey: `k${i}` });
    const parts = ledger.parts();
    const { back } = roundTrip(parts.names, [...parts.nameOrder]);
    const saved = ledger.serialize();
    const restored = Ledger.restore({ names: back, duplicateCount: 0, rowCount: ledger.size, firstRow: 0, olderBeforeMs: -Infinity, newestRows: saved.rows, readOlder: () => ({ rows: new Float64Array(0), keyHashes: saved.keyHashes }) });
    assert.deepEqual(restored.events(), ledger.events());
    // A new request whose names are known finds them in the section; a new name comes after them.
    const namesBefore = back.count;
    restored.add({ event: { ...event(3), inputTokens: 99 }, dedupKey: 'new' });
    restored.add({ event: { ...event(3), sessionId: 'fresh' }, dedupKey: 'new2' });
    assert.equal(restored.parts().names.count, namesBefore + 1);
  });
});

describe('ledger names in the index file (layout 6 on)', () => {
  let dir: string;
  let claudeDir: string;
  let indexPath: string;
  const nowMs = Date.now();
  const scanner = (log?: (m: string) => void) => claudeScanner(claudeDir, log);
  const sorted = sortedEvents;
  const line = (id: string, daysAgo: number, sessionId: string) => usageLine(nowMs, id, daysAgo, sessionId);

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tokenmeter-names-'));
    claudeDir = path.join(dir, 'claude');
    indexPath = path.join(dir, 'index.bin');
    // Non-ASCII project folders and session files; old sessions fill several blocks of names, today's come last.
    for (const project of ['-home-dév-rêpo', '-home-dev-项目']) {
      const folder = path.join(claudeDir, 'projects', project);
      mkdirSync(folder, { recursive: true });
      for (let s = 0; s < 300; s++) {
        const session = `sess-ï-${project.length}-${s}`;
        writeFileSync(path.join(folder, `${session}.jsonl`), line(`${project}-${s}`, 300 - s, session) + '\n');
      }
    }
    trustFolders([claudeDir, path.join(claudeDir, 'projects'), ...['-home-dév-rêpo', '-home-dev-项目'].map((p) => path.join(claudeDir, 'projects', p))], nowMs);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const headerOf = (file: string) => {
    const bytes = readFileSync(file);
    const end = bytes.indexOf(0x0a);
    return { bytes, end, header: JSON.parse(bytes.toString('utf8', 0, end)) as Record<string, unknown> & { ledger: { names: NameSectionHeader; keys: KeySectionHeader; rowCount: number } } };
  };

  it('saves the names after the key hashes, not in the header line, and reads them back equal to a cold scan', async () => {
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    const { bytes, end, header } = headerOf(indexPath);
    assert.equal(header.layout, indexLayout);
    assert.ok(!bytes.toString('utf8', 0, end).includes('sess-'), 'no session name in the header line');
    assert.ok(bytes.toString('utf8', end).includes('-home-dév-rêpo'), 'names as UTF-8 after it');
    assert.equal(header.ledger.names.count, 600 + 2 + 2);
    const warm = scanner();
    assert.ok(await loadIndex(indexPath, warm, { io: 'sync' }));
    assert.deepEqual(sorted(warm.ledger.events()), sorted(cold.ledger.events()));
    // Warm, with today's new usage saved as a delta (its names in its own section), read back.
    writeFileSync(path.join(claudeDir, 'projects', '-home-dev-项目', 'tödäy.jsonl'), line('today', 0, 'tödäy') + '\n');
    assert.equal(await warm.refresh(), true);
    await saveIndex(indexPath, warm);
    assert.ok(readFileSync(deltaPathOf(indexPath)).includes('tödäy'));
    const next = scanner();
    assert.ok(await loadIndex(indexPath, next, { io: 'sync', sinceMs: nowMs - dayMs }));
    assert.deepEqual(sorted(next.ledger.eventsSince(nowMs - dayMs)), sorted(warm.ledger.events().filter((e) => e.timestampMs >= nowMs - dayMs)));
    const fresh = scanner();
    await fresh.refresh();
    assert.deepEqual(sorted(next.ledger.events()), sorted(fresh.ledger.events()));
  });

  /** Where the index's names are: each name's start in the file, and the names (read from the section directly). */
  const nameSpans = () => {
    const { bytes, end, header } = headerOf(indexPath);
    const names = header.ledger.names;
    const endsStart = end + 1 + header.ledger.rowCount * fieldsPerRow * 8 + keySectionBytes(header.ledger.keys);
    const textStart = endsStart + nameTextStart(names);
    const endOf = (i: number) => bytes.readUInt32LE(endsStart + i * 4) & 0x7fffffff;
    return Array.from({ length: names.count }, (_, i) => {
      const start = i === 0 ? 0 : endOf(i - 1);
      return { at: textStart + start, name: bytes.toString('utf8', textStart + start, textStart + endOf(i)) };
    });
  };

  /** The index with the first byte of name `i` changed (in its section's text). */
  const damageName = (i: number) => {
    const damaged = readFileSync(indexPath);
    damaged[nameSpans()[i].at] ^= 0x01;
    writeFileSync(indexPath, damaged);
  };

  it('refuses an index whose names read at load are damaged, saying why; totals then equal a cold scan', async () => {
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    // The last name is the newest session's: read with the newest rows.
    damageName(headerOf(indexPath).header.ledger.names.count - 1);
    const said: string[] = [];
    const s = scanner();
    assert.equal(await loadIndex(indexPath, s, { io: 'sync', sinceMs: nowMs - 2 * dayMs, onUnusable: (m) => said.push(m) }), false);
    assert.match(said[0], /The usage index .* cannot be used \(ledger names: checksum mismatch\); reading all logs again/);
    await s.refresh();
    assert.deepEqual(sorted(s.ledger.events()), sorted(cold.ledger.events()));
  });

  it('reads a damaged block no row read at load uses only when needed: a full pass then reads all logs again, saying why', async () => {
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    // An old session's name (the second block; the first holds the projects and the model, used by every row):
    // not read by a window of the last two days.
    damageName(blockNames + 10);
    const said: string[] = [];
    const s = scanner((m) => said.push(m));
    assert.ok(await loadIndex(indexPath, s, { io: 'sync', sinceMs: nowMs - 1.5 * dayMs }));
    assert.equal(s.ledger.eventsSince(nowMs - 1.5 * dayMs).length, 2, 'the newest session of each project');
    assert.equal(await s.refresh({ full: true }), true);
    assert.match(said.join('\n'), /Rescanning all logs: the usage index's ledger names: checksum mismatch/);
    assert.deepEqual(sorted(s.ledger.events()), sorted(cold.ledger.events()));
  });

  it('a warm pass whose new usage finds its session name in a damaged block reads all logs again, saying why', async () => {
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    // An old session (not in the window read at load) gets today's request; another name of its block is damaged.
    const session = `sess-ï-${'-home-dev-项目'.length}-200`;
    const at = nameSpans().findIndex((n) => n.name === session);
    assert.ok(at >= blockNames && at < 2 * blockNames, 'in the second block');
    damageName(at % 2 ? at - 1 : at + 1);
    const said: string[] = [];
    const s = scanner((m) => said.push(m));
    assert.ok(await loadIndex(indexPath, s, { io: 'sync', sinceMs: nowMs - 1.5 * dayMs, checkFiles: 'when needed' }));
    appendFileSync(path.join(claudeDir, 'projects', '-home-dev-项目', `${session}.jsonl`), line('now', 0, session) + '\n');
    assert.equal(await s.refresh({ full: true, warm: true }), true);
    assert.match(said.join('\n'), /Rescanning all logs: the usage index's ledger names: checksum mismatch/);
    const fresh = scanner();
    await fresh.refresh();
    assert.deepEqual(sorted(s.ledger.events()), sorted(fresh.ledger.events()));
  });

  it('reads an index of layout 5 (names in the header line) as another version\'s: all logs again, once, saying why', async () => {
    const cold = scanner();
    await cold.refresh();
    await saveIndex(indexPath, cold);
    const { bytes, end, header } = headerOf(indexPath);
    const old = JSON.stringify({ ...header, layout: 5, ledger: { strings: cold.ledger.parts().names.slice(0), duplicateCount: 0, rowCount: header.ledger.rowCount } });
    writeFileSync(indexPath, Buffer.concat([Buffer.from(old + ' '.repeat((8 - ((Buffer.byteLength(old) + 1) % 8)) % 8) + '\n'), bytes.subarray(end + 1)]));
    const said: string[] = [];
    const s = scanner();
    assert.equal(await loadIndex(indexPath, s, { io: 'sync', onUnusable: (m) => said.push(m) }), false);
    assert.equal(said.length, 1);
    assert.match(said[0], /written by another version of Tokenmeter \(layout 5, rules \d+\)\); reading all logs again/);
    await s.refresh();
    await saveIndex(indexPath, s);
    assert.equal(headerOf(indexPath).header.layout, indexLayout);
    const next = scanner();
    assert.ok(await loadIndex(indexPath, next, { io: 'sync', onUnusable: (m) => said.push(m) }));
    assert.equal(said.length, 1);
    assert.deepEqual(sorted(next.ledger.events()), sorted(cold.ledger.events()));
  });
});
