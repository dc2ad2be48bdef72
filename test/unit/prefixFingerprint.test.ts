// A cold read gathers its fingerprint's bytes on the way instead of reading them again: the result
// must be the fingerprint a later read computes from the file.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { emptyTally } from '../../src/core/lineParser';
import { newCursor } from '../../src/sources/logFiles';
import { readNewLines } from '../../src/sources/logReader';
import { FingerprintSampler, fingerprintAt, laneHash, wordHash } from '../../src/sources/prefixFingerprint';
import { claudeAssistantLine } from '../helpers/logLines';

const readFrom = (bytes: Buffer) => (buf: Buffer, offset: number, length: number, position: number) => bytes.copy(buf, offset, position, Math.min(bytes.length, position + length));

// The fingerprint written before session 6, as an index from then holds it.
function legacyFnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const b of bytes) hash = Math.imul(hash ^ b, 0x01000193);
  return (hash ^ bytes.length) >>> 0;
}

describe('prefix fingerprint', () => {
  it('hashes as MurmurHash3 x86_32 (seed 0x9747b28c), from aligned and unaligned buffers, tagged above 2^32', () => {
    const vectors: Array<[string, number]> = [['', 0xebb6c228], ['a', 0x7fa09ea6], ['abc', 0xc84a62dd], ['aaaa', 0x5a97808a], ['Hello, world!', 0x24884cba], ['The quick brown fox jumps over the lazy dog', 0x2fa826cd]];
    for (const [text, expected] of vectors) {
      for (const shift of [0, 1, 2, 3]) {
        const bytes = Buffer.concat([Buffer.alloc(shift), Buffer.from(text)]).subarray(shift);
        assert.equal(wordHash(bytes, bytes.length), 2 ** 32 + expected, `${JSON.stringify(text)} at byte offset ${bytes.byteOffset}`);
      }
    }
  });

  it('the lane hash (session 15 on): tagged above 2^33, the same from aligned and unaligned buffers, changed by any one byte and by the length', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24);
    for (const length of [0, 1, 2, 3, 4, 5, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 4099]) {
      const bytes = Buffer.from(Array.from({ length }, random));
      const h = laneHash(bytes, length);
      assert.ok(h >= 2 ** 33 && h < 2 ** 33 + 2 ** 32 && Number.isInteger(h), String(h));
      for (const shift of [1, 2, 3]) {
        const moved = Buffer.concat([Buffer.alloc(shift), bytes]).subarray(shift);
        assert.equal(laneHash(moved, length), h, `length ${length} at byte offset ${moved.byteOffset}`);
      }
      // Every byte, in every lane and in the tail, counts.
      for (let i = 0; i < length; i++) {
        const changed = Buffer.from(bytes);
        changed[i] ^= 1 << (i % 8);
        assert.notEqual(laneHash(changed, length), h, `length ${length}, byte ${i}`);
      }
      // A zero byte more is another prefix.
      assert.notEqual(laneHash(Buffer.concat([bytes, Buffer.alloc(1)]), length + 1), h);
    }
    // Lanes are not interchangeable: two words swapped between lanes change it.
    const words = Buffer.from('aaaabbbbccccddddeeeeffffgggghhhh');
    const swapped = Buffer.from('bbbbaaaaccccddddeeeeffffgggghhhh');
    assert.notEqual(laneHash(words, words.length), laneHash(swapped, swapped.length));
  });

  it('a fingerprint sessions 6-14 stored (word hash, 2^32 to 2^33) is still checked: an append is an append, another file is replaced', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-fingerprint-'));
    try {
      const line = (id: string) => claudeAssistantLine({ id, usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 } });
      for (const count of [3, 2_000]) {
        const file = path.join(dir, `w${count}.jsonl`);
        const text = Array.from({ length: count }, (_, i) => line(`m${i}`)).join('\n') + '\n';
        await fs.writeFile(file, text);
        const cursor = newCursor('claude', file, `-p/w${count}.jsonl`);
        await readNewLines(cursor, () => undefined, emptyTally(), 'sync');
        assert.ok(cursor.fingerprint! >= 2 ** 33, 'written as a lane hash');
        const sampled = Buffer.alloc(70_000);
        const { length } = await sampledBytes(text, sampled);
        const older = { ...cursor, fingerprint: wordHash(sampled, length) };
        assert.ok(older.fingerprint >= 2 ** 32 && older.fingerprint < 2 ** 33);
        await fs.appendFile(file, `${line('late')}\n`);
        let read = 0;
        assert.equal(await readNewLines({ ...older }, () => read++, emptyTally(), 'sync'), 'appended');
        assert.equal(read, 1, 'only the appended line');
        assert.equal(await readNewLines({ ...older, fingerprint: older.fingerprint + 1 }, () => undefined, emptyTally(), 'async'), 'replaced');
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a fingerprint an older version stored (FNV-1a, below 2^32) is still checked: an append is an append, another file is replaced', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-fingerprint-'));
    try {
      const line = (id: string) => claudeAssistantLine({ id, usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 } });
      for (const count of [3, 2_000]) {
        const file = path.join(dir, `s${count}.jsonl`);
        const text = Array.from({ length: count }, (_, i) => line(`m${i}`)).join('\n') + '\n';
        await fs.writeFile(file, text);
        const cursor = newCursor('claude', file, `-p/s${count}.jsonl`);
        await readNewLines(cursor, () => undefined, emptyTally(), 'sync');
        assert.ok(cursor.fingerprint! >= 2 ** 32, 'written as a word hash');
        // As an older index would hold it: FNV-1a over the same sampled bytes.
        const sampled = Buffer.alloc(70_000);
        const { length } = await sampledBytes(text, sampled);
        const legacy = { ...cursor, fingerprint: legacyFnv1a(sampled.subarray(0, length)) };
        await fs.appendFile(file, `${line('late')}\n`);
        let read = 0;
        assert.equal(await readNewLines({ ...legacy }, () => read++, emptyTally(), 'sync'), 'appended');
        assert.equal(read, 1, 'only the appended line');
        assert.equal(await readNewLines({ ...legacy, fingerprint: legacy.fingerprint ^ 1 }, () => undefined, emptyTally(), 'async'), 'replaced');
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('gathered while reading in chunks of any size equals the one read afterwards', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300_000 }), fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 8 }), fc.integer(), fc.integer({ min: 0, max: 7 }), async (size, chunks, seed, at) => {
        const bytes = Buffer.alloc(size);
        for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
        const sampler = new FingerprintSampler(size);
        let position = 0;
        for (let k = 0; position < size; k++) {
          const length = Math.min(chunks[k % chunks.length], size - position);
          // The chunk sits anywhere in a larger buffer, as in the reader, with other bytes around it.
          const buf = Buffer.alloc(length + 16, 0xa5);
          bytes.copy(buf, at, position, position + length);
          sampler.see(buf, at, length, position);
          position += length;
        }
        assert.equal(sampler.fingerprint(size), await fingerprintAt(readFrom(bytes), size));
        assert.equal(sampler.fingerprint(size - 1), undefined, 'another end offset: not known');
        sampler.release();
      }),
      { numRuns: 200 },
    );
  });

  it('a small file read whole in one read is hashed where it lies (any start, aligned or not), the same as read afterwards', async () => {
    for (const size of [1, 3, 4, 15, 16, 17, 1000, 4097, 65_535, 65_536]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 131 + size) & 0xff;
      const expected = await fingerprintAt(readFrom(bytes), size);
      for (const at of [0, 1, 2, 3, 4, 8, 12]) {
        // Bytes past the file's end in the read buffer (a 1 MB read buffer) must not count.
        const buf = Buffer.alloc(at + size + 64, 0x5a);
        bytes.copy(buf, at);
        const sampler = new FingerprintSampler(size);
        sampler.see(buf, at, size, 0);
        assert.equal(sampler.fingerprint(size), expected, `${size} bytes at ${at}`);
        sampler.release();
        // The next file's sampler reuses the buffers and still hashes its own bytes.
        const other = new FingerprintSampler(size);
        other.see(Buffer.from(bytes), 0, size, 0);
        assert.equal(other.fingerprint(size), expected);
        other.release();
      }
    }
  });

  it('is not claimed when a read skipped bytes', () => {
    const sampler = new FingerprintSampler(100_000);
    const buf = Buffer.alloc(100_000);
    sampler.see(buf, 0, 50_000, 0);
    sampler.see(buf, 0, 40_000, 60_000);
    assert.equal(sampler.fingerprint(100_000), undefined);
  });

  it('a cold read of a log stores the fingerprint of what it read', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-fingerprint-'));
    try {
      for (const count of [1, 40, 2_000]) {
        const file = path.join(dir, `s${count}.jsonl`);
        const text = Array.from({ length: count }, (_, i) => claudeAssistantLine({ id: `m${i}`, usage: { input: i, output: 1, cacheWrite: 0, cacheRead: 0 } })).join('\n') + '\n';
        await fs.writeFile(file, text);
        const cursor = newCursor('claude', file, `-p/s${count}.jsonl`);
        await readNewLines(cursor, () => undefined, emptyTally(), 'sync');
        const bytes = await fs.readFile(file);
        assert.equal(cursor.offset, bytes.length);
        assert.equal(cursor.fingerprint, await fingerprintAt(readFrom(bytes), bytes.length));
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a log replaced by one exactly as long as what was read (the old one ended in a torn line) is seen as replaced', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-fingerprint-'));
    try {
      const file = path.join(dir, 's.jsonl');
      const line = (id: string) => claudeAssistantLine({ id, usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 } });
      const complete = `${line('m11')}\n${line('m12')}\n`;
      await fs.writeFile(file, complete + line('m13').slice(0, 40));
      const cursor = newCursor('claude', file, '-p/s.jsonl');
      for (const io of ['sync', 'async'] as const) {
        await readNewLines(cursor, () => undefined, emptyTally(), io);
        assert.equal(cursor.offset, complete.length, 'the torn line waits');
      }
      // Rotated: a new file whose two lines are exactly as long as the two complete lines read.
      const replacement = `${line('m14')}\n${line('m15')}\n`;
      assert.equal(replacement.length, complete.length);
      await fs.rename(file, `${file}.1.gz`);
      await fs.writeFile(file, replacement);
      assert.equal(await readNewLines({ ...cursor }, () => undefined, emptyTally(), 'sync'), 'replaced');
      assert.equal(await readNewLines({ ...cursor }, () => undefined, emptyTally(), 'async'), 'replaced');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a counted last line without its newline that then goes on is seen as replaced; a newline after it is an append', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-fingerprint-'));
    try {
      const line = (id: string) => claudeAssistantLine({ id, usage: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 } });
      for (const [appended, outcome] of [[`${line('m2')}\n`, 'replaced'], [`\n${line('m2')}\n`, 'appended']] as const) {
        const file = path.join(dir, `s-${outcome}.jsonl`);
        await fs.writeFile(file, line('m1'));
        const cursor = newCursor('claude', file, '-p/s.jsonl');
        let counted = 0;
        await readNewLines(cursor, () => counted++, emptyTally(), 'sync');
        assert.equal(counted, 1, 'complete JSON without its newline is counted');
        await fs.appendFile(file, appended);
        assert.equal(await readNewLines({ ...cursor }, () => undefined, emptyTally(), 'async'), outcome);
        assert.equal(await readNewLines(cursor, () => undefined, emptyTally(), 'sync'), outcome);
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

/** The bytes a fingerprint of the whole of `text` hashes, gathered as a reader gathers them. */
async function sampledBytes(text: string, into: Buffer): Promise<{ length: number }> {
  const bytes = Buffer.from(text);
  let length = 0;
  // fingerprintAt reads exactly the sampled ranges, in order: record them through its `read`.
  await fingerprintAt((buf, offset, want, position) => {
    const n = bytes.copy(into, length, position, Math.min(bytes.length, position + want));
    length += n;
    return bytes.copy(buf, offset, position, Math.min(bytes.length, position + want));
  }, bytes.length);
  return { length };
}
