'use strict';
// The object API against a running cluster: put (one call and chunked), get (whole, ranges, direct and through the
// gateways), stat, locate, delete, CRC verification.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');
const { MiB, client, sha256, drain } = require('./helpers');
const { NotFound, ChecksumMismatch, InvalidArgument, AlreadyExists } = require('../lib');

test('objects', async (t) => {
  const c = client({ chunkBytes: 1 * MiB });
  const created = [];
  t.after(async () => {
    for (const id of created) await c.deleteObject(id).catch(() => {});
    c.close();
  });

  await t.test('connect learns both gateways and the chunk limit', async () => {
    await c.connect();
    const g = c.gateways();
    assert.ok(g.objectGateways.length >= 1);
    assert.ok(g.directoryGateways.length >= 1);
    assert.ok(g.maxChunkBytes >= 4096);
  });

  await t.test('a small Buffer in one call, read back, stat, locate', async () => {
    const data = crypto.randomBytes(12345);
    const info = await c.putObject(data);
    created.push(info.id);
    assert.equal(info.length, data.length);
    assert.equal(typeof info.length, 'number');
    assert.equal(info.crc32c, require('@node-rs/crc32').crc32c(data) | 0);
    assert.equal(sha256(await c.readObject(info.id)), sha256(data));
    const st = await c.statObject(info.id);
    assert.deepEqual([st.id, st.length, st.crc32c, st.tombstone], [info.id, info.length, info.crc32c, false]);
    assert.equal(typeof st.writtenAtMillis, 'number');
    const loc = await c.locate(info.id);
    assert.equal(loc.id, info.id);
    assert.ok(loc.locations.filter((l) => l.state === 'present').length >= 2, JSON.stringify(loc));
  });

  await t.test('an empty object', async () => {
    const info = await c.putObject(Buffer.alloc(0));
    created.push(info.id);
    assert.equal(info.length, 0);
    assert.equal((await c.readObject(info.id)).length, 0);
  });

  await t.test('a chosen id, and a repeated put of the same bytes under it stores nothing twice', async () => {
    const id = `node-test-${crypto.randomUUID()}`;
    const data = crypto.randomBytes(1000);
    const a = await c.putObject(data, { id });
    created.push(id);
    assert.equal(a.id, id);
    const b = await c.putObject(data, { id });
    assert.equal(b.crc32c, a.crc32c);
    await assert.rejects(c.putObject(crypto.randomBytes(1000), { id }), (e) => e instanceof AlreadyExists || e instanceof ChecksumMismatch);
  });

  const big = crypto.randomBytes(10 * MiB + 12345);
  let bigId;
  await t.test('a multi-chunk object from a stream of unknown size', async () => {
    const stream = Readable.from((function* () { for (let i = 0; i < big.length; i += 100000) yield big.subarray(i, i + 100000); })());
    let progress = 0;
    const info = await c.putObject(stream, { onProgress: (p) => { progress = p.bytes; } });
    bigId = info.id;
    created.push(bigId);
    assert.equal(info.length, big.length);
    assert.equal(progress, big.length);
  });

  await t.test('a multi-chunk object from a file path, read direct from the storage node', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dyad-node-test-'));
    try {
      const f = path.join(dir, 'big.bin');
      fs.writeFileSync(f, big);
      const info = await c.putObject(f);
      created.push(info.id);
      assert.equal(info.crc32c, (await c.statObject(bigId)).crc32c);
      const s = await c.getObject(info.id);
      assert.equal(sha256(await drain(s)), sha256(big));
      assert.equal(s.stats.bytesDirect + s.stats.bytesViaGateway, big.length);
      assert.ok(s.stats.bytesDirect > 0, 'a read of a serving object goes to the storage node');
      const out = path.join(dir, 'out.bin');
      await c.getObjectToFile(info.id, out);
      assert.equal(sha256(fs.readFileSync(out)), sha256(big));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  await t.test('a whole read through the gateways only', async () => {
    const s = await c.getObject(bigId, { direct: false });
    assert.equal(sha256(await drain(s)), sha256(big));
    assert.equal(s.stats.bytesDirect, 0);
    assert.equal(s.stats.bytesViaGateway, big.length);
  });

  await t.test('ranges', async () => {
    const cases = [[0, 1], [5, 100], [MiB - 10, 20], [3 * MiB + 7, 2 * MiB + 1], [big.length - 5, 5], [big.length - 5, 100], [big.length, 0]];
    for (const [offset, length] of cases) {
      for (const direct of [true, false]) {
        const got = await c.readObject(bigId, { offset, length, direct });
        assert.equal(sha256(got), sha256(big.subarray(offset, offset + length)), `${offset}+${length} direct=${direct}`);
      }
    }
    const tail = await c.readObject(bigId, { offset: 10 * MiB });
    assert.equal(sha256(tail), sha256(big.subarray(10 * MiB)));
    await assert.rejects(c.readObject(bigId, { offset: big.length + 1 }), InvalidArgument);
  });

  await t.test('a whole read whose bytes do not match the record fails with ChecksumMismatch', async () => {
    // the gateway's record is altered on the way in: the bytes then disagree with the CRC32C the read checks
    const info = await c.statObject(bigId);
    const s = c._readStream(bigId, { ...info, crc32c: info.crc32c ^ 1 }, '', c._credential(), {}, 0);
    await assert.rejects(drain(s), (e) => e instanceof ChecksumMismatch && /CRC32C/.test(e.message));
  });

  await t.test('a put whose CRC32C is wrong is refused by the gateway with ChecksumMismatch', async () => {
    const data = crypto.randomBytes(100);
    await assert.rejects(c._withGateway('bad put', (conn) => conn.call('putObject', `node-test-${crypto.randomUUID()}`, data, (require('@node-rs/crc32').crc32c(data) ^ 5) | 0, c._credential())), ChecksumMismatch);
  });

  await t.test('delete makes the object NotFound, and is idempotent', async () => {
    const info = await c.putObject(Buffer.from('to be deleted'));
    const tomb = await c.deleteObject(info.id);
    assert.equal(tomb.tombstone, true);
    await c.deleteObject(info.id);
    await assert.rejects(c.statObject(info.id), NotFound);
    await assert.rejects(c.getObject(info.id), NotFound);
  });

  await t.test('an unknown id is NotFound, a malformed one InvalidArgument', async () => {
    await assert.rejects(c.statObject(`node-test-missing-${crypto.randomUUID()}`), NotFound);
    await assert.rejects(c.getObject('a/b'), InvalidArgument);
    await assert.rejects(c.statObject('..'), InvalidArgument);
  });
});
