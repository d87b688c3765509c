'use strict';
// A gateway killed mid-transfer is survived: a put restarts under the same id on the other gateway, a get resumes
// at its offset there; a DDM killed in the middle of file operations is survived too. Needs `dyad local --gateways 2
// --ddms 2` (its defaults) and its --kill/--revive (DYAD_BIN, DYAD_LOCAL_DATA).
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { MiB, client, uniqueName, sha256, drain, dyadLocal, killSupported } = require('./helpers');
const { FileWorkload } = require('./workload');

/** dyad local names its gateways local-dosm, local-dosm-2, ... on --dosm-port and the ports after it. */
function memberName(gateway) {
  const ports = process.env.DYAD_GATEWAYS.split(',').map((g) => Number(g.trim().split(':').pop()));
  const base = Math.min(...ports);
  const i = Number(gateway.split(':').pop()) - base;
  return i === 0 ? 'local-dosm' : `local-dosm-${i + 1}`;
}

test('a gateway killed mid-transfer is survived', async (t) => {
  if (!(await killSupported())) {
    t.skip('this dyad local has no --kill (or DYAD_BIN / DYAD_LOCAL_DATA are not set)');
    return;
  }
  const c = client({ chunkBytes: 1 * MiB, readAhead: 2 });
  await c.connect();
  if (c.gateways().objectGateways.length < 2) {
    c.close();
    assert.fail('the failover test needs two gateways: start dyad local with --gateways 2');
  }
  const killed = new Set();
  const kill = async (gateway) => {
    const name = memberName(gateway);
    killed.add(name);
    await dyadLocal('--kill', name);
  };
  const reviveAll = async () => {
    for (const name of killed) await dyadLocal('--revive', name);
    killed.clear();
  };
  const ids = [];
  t.after(async () => {
    await reviveAll();
    for (const id of ids) await c.deleteObject(id).catch(() => {});
    c.close();
  });

  const data = crypto.randomBytes(20 * MiB + 4321);

  await t.test('a put whose gateway dies after the first chunk completes on the other one', async () => {
    let victim = null;
    const used = new Set();
    const info = await c.putObject(data, {
      onProgress: async (p) => {
        used.add(p.gateway);
        if (!victim) {
          victim = p.gateway;
          await kill(victim);
        }
      },
    });
    ids.push(info.id);
    assert.equal(info.length, data.length);
    assert.ok(victim);
    assert.ok([...used].some((g) => g !== victim), `the put went on through another gateway (${[...used]})`);
    assert.equal(sha256(await c.readObject(info.id, { direct: false })), sha256(data));
    await reviveAll();
  });

  await t.test('a get through the gateways whose gateway dies after the first chunk resumes on the other one', async () => {
    const info = await c.putObject(data);
    ids.push(info.id);
    let victim = null;
    const s = await c.getObject(info.id, {
      direct: false,
      onProgress: async (p) => {
        if (!victim) {
          victim = p.gateway;
          await kill(victim);
        }
      },
    });
    const got = await drain(s);
    assert.ok(victim);
    assert.equal(got.length, data.length);
    assert.equal(sha256(got), sha256(data));
    assert.ok([...s.stats.gateways].some((g) => g !== victim), `bytes came from another gateway too (${[...s.stats.gateways]})`);
    await reviveAll();
  });

  await t.test('a file put (DDM locator flow) whose gateway dies after the first chunk completes', async () => {
    const vol = uniqueName('node-failover');
    await c.createVolume(vol);
    try {
      let victim = null;
      const entry = await c.putFile(data, `${vol}:/f.bin`, {
        onProgress: async (p) => {
          if (!victim) {
            victim = p.gateway;
            await kill(victim);
          }
        },
      });
      assert.ok(victim);
      assert.equal(entry.length, data.length);
      assert.equal(sha256(await c.readFile(`${vol}:/f.bin`)), sha256(data));
      await reviveAll();
      await c.rm(`${vol}:/f.bin`);
    } finally {
      await c.deleteVolume(vol).catch(() => {});
    }
  });

  await t.test('with a gateway down, every operation still works on the other', async () => {
    const [first] = c.gateways().objectGateways;
    await kill(first);
    const small = crypto.randomBytes(5000);
    for (let i = 0; i < 3; i++) {
      const info = await c.putObject(small);
      ids.push(info.id);
      assert.equal((await c.statObject(info.id)).length, small.length);
      assert.equal(sha256(await c.readObject(info.id, { direct: false })), sha256(small));
    }
    await reviveAll();
  });
});

/** dyad local names its DDMs local-ddm, local-ddm-2, ... on --ddm-port and the ports after it. */
function ddmNames() {
  const ports = process.env.DYAD_DDM.split(',').filter((d) => d.trim()).map((d) => Number(d.trim().split(':').pop()));
  const base = Math.min(...ports);
  return ports.map((p) => p - base).sort((a, b) => a - b).map((i) => (i === 0 ? 'local-ddm' : `local-ddm-${i + 1}`));
}

test('file operations go on while a DDM dies', async (t) => {
  if (!(await killSupported())) {
    t.skip('this dyad local has no --kill (or DYAD_BIN / DYAD_LOCAL_DATA are not set)');
    return;
  }
  const names = ddmNames();
  if (names.length < 2) assert.fail('the DDM-kill test needs two DDMs in DYAD_DDM: run dyad local --ddms 2');
  const c = client();
  const vol = uniqueName('node-ddm-dies');
  await c.createVolume(vol);
  const down = new Set();
  t.after(async () => {
    for (const name of down) await dyadLocal('--revive', name).catch(() => {});
    await c.rm(`${vol}:/w`, { recursive: true }).catch(() => {});
    await c.deleteVolume(vol).catch(() => {});
    c.close();
  });
  // one DDM killed under the workload (calls in flight lose their connection and are sent again to the other under
  // their request ids), revived, then the other killed: no operation fails, and the tree is the model's
  const w = new FileWorkload(c, `${vol}:/w`, 7);
  await w.start();
  const at = {};
  for (const [verb, name] of [['kill', names[0]], ['revive', names[0]], ['kill', names[1]], ['revive', names[1]]]) {
    for (let i = 0; i < 40; i++) await w.step();
    let finished = false;
    if (verb === 'kill') down.add(name);
    const action = dyadLocal(`--${verb}`, name).then(() => null, (e) => e).finally(() => { finished = true; });
    try {
      while (!finished) await w.step(); // the kill lands while operations are in flight
    } finally {
      const failed = await action;
      if (failed) throw failed;
    }
    if (verb === 'revive') down.delete(name);
    at[`${verb} ${name}`] = w.done;
  }
  for (let i = 0; i < 40; i++) await w.step();
  await w.verify();
  t.diagnostic(`DDM failover workload (Node): ${w.done} operations, 0 failed; ${names[0]} down for `
    + `${at[`revive ${names[0]}`] - at[`kill ${names[0]}`]} of them, ${names[1]} for `
    + `${at[`revive ${names[1]}`] - at[`kill ${names[1]}`]}; the longest took ${Math.round(w.longestMs)} ms `
    + `(${w.longestOp})`);
});
