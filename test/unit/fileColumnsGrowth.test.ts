// The file table's byte columns (names, folders) grow without leaving 1-16 MiB buffers behind (issue 19, cold
// peak RSS: each such free raised glibc's mmap threshold).
import { strict as assert } from 'node:assert';
import { grownBytes, roomyColumnBytes } from '../../src/sources/fileColumns';

describe('file table byte columns', () => {
  it('double up to 512 KiB, then move to one buffer over 32 MiB, keeping what was written', () => {
    let column: Buffer = Buffer.alloc(0);
    let used = 0;
    const sizes: number[] = [];
    const name = Buffer.from('-home-dev-project/0123456789abcdef-session.jsonl');
    for (let i = 0; i < 60_000; i++) {
      const grown = grownBytes(column, used, used + name.length);
      if (grown !== column) sizes.push(grown.length);
      column = grown;
      used += name.copy(column, used);
    }
    assert.deepEqual(sizes.filter((size) => size > 512 * 1024 && size < 32 * 1024 * 1024), []);
    assert.deepEqual(sizes.filter((size) => size > 512 * 1024), [roomyColumnBytes]);
    assert.ok(roomyColumnBytes > 32 * 1024 * 1024);
    assert.equal(column.subarray(used - name.length, used).toString(), name.toString());
    assert.equal(column.subarray(0, name.length).toString(), name.toString());
  });
});
