// The editor's one full collection after start-up (sources/startupGarbage.ts): it collects, and leaves V8's flags
// and every other context as they were.
import { strict as assert } from 'node:assert';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { collectStartupGarbage } from '../../src/sources/startupGarbage';

describe('the collection after start-up', () => {
  it('collects garbage in the old generation at once', () => {
    let garbage: object[] | undefined = Array.from({ length: 300_000 }, (_, i) => ({ i, text: `row ${i}` }));
    const usedWith = v8.getHeapStatistics().used_heap_size;
    assert.ok(garbage.length > 0);
    garbage = undefined;
    assert.equal(collectStartupGarbage(), true);
    // ~20 MB of objects: a collection frees them; without one (V8 collects on allocation, and none happened) they stay.
    assert.ok(usedWith - v8.getHeapStatistics().used_heap_size > 10 * 1024 * 1024, `${usedWith} -> ${v8.getHeapStatistics().used_heap_size}`);
  });

  it('gives no context a gc function: not this one, not one made afterwards', () => {
    collectStartupGarbage();
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, process.execArgv.includes('--expose-gc') ? 'function' : 'undefined');
    assert.equal(vm.runInNewContext('typeof gc'), 'undefined');
  });
});
