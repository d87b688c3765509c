'use strict';
// A gateway killed mid-transfer is survived: a put restarts under the same id on the other gateway, a get resumes
// at its offset there. Needs `dyad local --gateways 2` and its --kill/--revive (DYAD_BIN, DYAD_LOCAL_DATA).
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { MiB, client, uniqueName, sha256, drain, dyadLocal, killSupported } = require('./helpers');

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
