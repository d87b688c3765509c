'use strict';
// A program that uses the client exits by itself: after close(), and even without it (idle connections are unref'd).
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
require('./helpers'); // fails clearly without a cluster

const script = (closeIt) => `
  const { DyadClient } = require(${JSON.stringify(path.join(__dirname, '..', 'lib'))});
  (async () => {
    const c = DyadClient.fromEnv();
    const info = await c.putObject(Buffer.alloc(3 * 1024 * 1024 + 1, 7));
    const back = await c.readObject(info.id);
    await c.deleteObject(info.id);
    for await (const v of [await c.volumes()]) void v;
    ${closeIt ? 'c.close();' : ''}
    console.log(back.length);
  })().catch((e) => { console.error(e); process.exit(3); });
`;

for (const closeIt of [true, false]) {
  test(`a program exits ${closeIt ? 'after close()' : 'without close()'}`, () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, ['-e', script(closeIt)], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.signal, null, `killed by ${r.signal}: it did not exit by itself`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), String(3 * 1024 * 1024 + 1));
    assert.ok(Date.now() - started < 15000);
  });
}
