// Read buffers that glibc's dynamic mmap threshold leaves alone (issue 19, cold peak RSS): one 1 MiB buffer reused,
// never replaced by another size, and a line longer than it gathered in one buffer over glibc's 32 MiB cap.
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emptyTally } from '../../src/core/lineParser';
import { newCursor } from '../../src/sources/logFiles';
import { longLineBufferBytes, readNewLines } from '../../src/sources/logReader';
import { claudeAssistantLine } from '../helpers/logLines';

describe('log reader buffers', () => {
  it('reads files of many sizes and multi-MB lines with a 1 MiB buffer and long-line buffers over 32 MiB, nothing in between', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tokenmeter-buffers-'));
    const line = (id: string, text = 'ok') => claudeAssistantLine({ id, usage: { input: 1, output: 2, cacheWrite: 0, cacheRead: 0 }, text });
    const sizes: number[] = [];
    const longBy = new Map<string, number>();
    const allocUnsafe = Buffer.allocUnsafe;
    try {
      // Files of 200 KB to 900 KB (a buffer sized to each would be replaced by the next), then lines of 3 and 4.5 MB between small ones.
      const files: Array<{ name: string; text: string; usages: number }> = [];
      for (const kb of [200, 500, 900]) {
        const count = Math.ceil((kb * 1024) / line('x0').length);
        files.push({ name: `s${kb}.jsonl`, text: Array.from({ length: count }, (_, i) => line(`f${kb}-${i}`)).join('\n') + '\n', usages: count });
      }
      const long = [line('a'), line('b', 'x'.repeat(3 << 20)), line('c'), line('d', 'y'.repeat(9 << 19)), line('e')];
      files.push({ name: 'long.jsonl', text: long.join('\n') + '\n', usages: long.length });
      // Lines of 2 MB: the long-line buffer they filled (at most 4 MiB of it) is kept for the next such file.
      for (const name of ['two1.jsonl', 'two2.jsonl']) files.push({ name, text: `${line('f')}\n${line('g', 'z'.repeat(2 << 20))}\n`, usages: 2 });
      for (const file of files) await fs.writeFile(path.join(dir, file.name), file.text);
      Buffer.allocUnsafe = (size: number) => {
        if (size >= 128 * 1024) sizes.push(size);
        return allocUnsafe(size);
      };
      for (const file of files) {
        const cursor = newCursor('claude', path.join(dir, file.name), `-p/${file.name}`);
        let usages = 0;
        const tally = emptyTally();
        assert.equal(await readNewLines(cursor, () => usages++, tally, 'sync'), 'appended');
        assert.equal(usages, file.usages, file.name);
        assert.equal(tally.malformedLines, 0, file.name);
        assert.equal(cursor.offset, Buffer.byteLength(file.text));
        longBy.set(file.name, sizes.filter((size) => size === longLineBufferBytes).length);
      }
    } finally {
      Buffer.allocUnsafe = allocUnsafe;
      await fs.rm(dir, { recursive: true, force: true });
    }
    assert.deepEqual(sizes.filter((size) => size !== 1024 * 1024 && size !== longLineBufferBytes), [], 'nothing in between');
    // (An earlier test may have left a long-line buffer to reuse: the file with a 4.5 MB line takes it or makes one.)
    assert.ok(longBy.get('long.jsonl')! <= 1);
    assert.equal(longBy.get('two1.jsonl')! - longBy.get('long.jsonl')!, 1, 'the one the 4.5 MB line filled (up to 8 MiB) was not kept');
    assert.equal(longBy.get('two2.jsonl'), longBy.get('two1.jsonl'), 'the one a 2 MB line filled is reused');
    assert.ok(sizes.filter((size) => size === 1024 * 1024).length <= 1, 'the 1 MiB buffer is made once and reused');
    assert.ok(longLineBufferBytes > 32 * 1024 * 1024, 'over glibc\'s cap on the dynamic threshold (DEFAULT_MMAP_THRESHOLD_MAX)');
  });
});
