'use strict';
// Pieces that need no cluster: CRC32C, chunking, paths, credentials, frame decoding, error mapping.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { crc32c } = require('@node-rs/crc32');
const { parsePath } = require('../lib/client');
const { rechunk } = require('../lib/sources');
const { signAdmin } = require('../lib/credential');
const { FastFramedTransport } = require('../lib/transport');
const errors = require('../lib/errors');
const common = require('../gen/common_types');

test('CRC32C is Castagnoli, incremental, compared as signed 32-bit', () => {
  const b = Buffer.from('123456789');
  assert.equal(crc32c(b), 0xe3069283);
  assert.equal(crc32c(b.subarray(4), crc32c(b.subarray(0, 4))), 0xe3069283);
  assert.equal(crc32c(b) | 0, -486108541);
});

test('rechunk cuts any stream into exact pieces', async () => {
  const data = crypto.randomBytes(10000);
  async function* pieces() { for (let i = 0; i < data.length; i += 333) yield data.subarray(i, i + 333); }
  const out = [];
  for await (const p of rechunk(pieces(), 4096)) out.push(p);
  assert.deepEqual(out.map((p) => p.length), [4096, 4096, 1808]);
  assert.ok(Buffer.concat(out).equals(data));
});

test('paths are VOLUME:/PATH', () => {
  assert.deepEqual(parsePath('v1:/a/b'), { volume: 'v1', path: '/a/b' });
  assert.deepEqual(parsePath('v1:/'), { volume: 'v1', path: '/' });
  for (const bad of ['v1', ':/a', 'v1:a', '', '/a']) {
    assert.throws(() => parsePath(bad), errors.InvalidArgument);
  }
});

test('an ADMIN credential is dyad1.payload.mac in base64url', () => {
  const key = Buffer.alloc(32, 1);
  const c = signAdmin(key, 1700000000000);
  const [v, p, m] = c.split('.');
  assert.equal(v, 'dyad1');
  assert.equal(Buffer.from(p, 'base64url').toString(), 'ADMIN\n1700000000000\n*');
  assert.equal(m, crypto.createHmac('sha256', key).update('ADMIN\n1700000000000\n*').digest('base64url'));
  assert.ok(!c.includes('='));
});

test('the frame receiver reassembles frames split anywhere', () => {
  const frames = [crypto.randomBytes(5), Buffer.alloc(0), crypto.randomBytes(100000), crypto.randomBytes(3)];
  const wire = Buffer.concat(frames.flatMap((f) => { const h = Buffer.alloc(4); h.writeInt32BE(f.length); return [h, f]; }));
  for (const step of [1, 3, 7, 4096, wire.length]) {
    const got = [];
    const rx = FastFramedTransport.receiver((t) => got.push(Buffer.from(t.inBuf)));
    for (let i = 0; i < wire.length; i += step) rx(wire.subarray(i, i + step));
    assert.equal(got.length, frames.length);
    got.forEach((g, i) => assert.ok(g.equals(frames[i]), `frame ${i} with step ${step}`));
  }
});

test('every exception of common.thrift maps to its own error class', () => {
  const names = ['NotFound', 'AlreadyExists', 'ChecksumMismatch', 'InvalidArgument', 'StorageFull', 'StaleEpoch',
    'Unavailable', 'AccessDenied', 'NotADirectory', 'IsADirectory', 'NotEmpty'];
  for (const name of names) {
    const e = errors.fromThrift(new common[name]({ message: `m ${name}` }), 'test');
    assert.ok(e instanceof errors[name], name);
    assert.ok(e instanceof errors.DyadError);
    assert.equal(e.message, `m ${name}`);
    assert.equal(e.name, name);
    assert.equal(typeof e.code, 'string');
  }
  const t = errors.fromThrift(new Error('ECONNRESET'), 'gw');
  assert.ok(t instanceof errors.Unavailable);
});
