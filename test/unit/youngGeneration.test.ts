// The young generation's cap (sources/youngGeneration.ts): its checks run through a cold scan, every 20 ms.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

describe('young generation cap', () => {
  it('loads node:v8 through the module loader once, not at every check', () => {
    // In a process of its own: the cap and V8's flags are process-wide.
    const script = `
      const Module = require('node:module');
      const { capYoungGeneration, renewYoungGenerationCap } = require(${JSON.stringify(path.resolve(__dirname, '../../src/sources/youngGeneration'))});
      const realRequire = Module.prototype.require;
      let v8Requires = 0;
      Module.prototype.require = function (id) { if (id === 'node:v8') v8Requires++; return realRequire.call(this, id); };
      // Each check 25 ms after the one before: every call checks (at most one check per 20 ms).
      let nowMs = Date.now();
      Date.now = () => (nowMs += 25);
      capYoungGeneration(16);
      for (let i = 0; i < 5; i++) renewYoungGenerationCap();
      process.stdout.write(String(v8Requires));`;
    const v8Requires = Number(execFileSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { encoding: 'utf8' }));
    assert.ok(v8Requires >= 0 && v8Requires <= 1, `${v8Requires} requires of node:v8 in 5 checks`);
  });
});
