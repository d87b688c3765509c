'use strict';
// The file API against a running cluster: volumes, mkdir, ls (paged), stat, putFile/open (empty, small,
// multi-chunk, ranges, new versions), mv, rm, and the typed errors of the namespace and of access control.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');
const { MiB, client, uniqueName, sha256, drain } = require('./helpers');
const {
  DyadClient, DyadError, NotFound, AlreadyExists, InvalidArgument, IsADirectory, NotADirectory, NotEmpty, AccessDenied,
} = require('../lib');

test('files and volumes', async (t) => {
  const c = client({ chunkBytes: 1 * MiB });
  const vol = uniqueName('node-files');
  const p = (x) => `${vol}:${x}`;
  t.after(async () => {
    await c.rm(p('/d'), { recursive: true }).catch(() => {});
    try {
      for await (const e of c.ls(p('/'))) await c.rm(p(`/${e.name}`), { recursive: true }).catch(() => {});
    } catch (e) {
      if (!(e instanceof NotFound)) throw e; // the volume is gone already
    }
    await c.deleteVolume(vol).catch(() => {});
    c.close();
  });

  await t.test('createVolume, volumes, AlreadyExists on a second create', async () => {
    const v = await c.createVolume(vol);
    assert.equal(v.name, vol);
    assert.equal(typeof v.createdAt, 'number');
    assert.ok((await c.volumes()).some((x) => x.name === vol));
    await assert.rejects(c.createVolume(vol), (e) => e instanceof AlreadyExists && e.code === 'ALREADY_EXISTS');
  });

  await t.test('mkdir, with parents, stat of a directory', async () => {
    const d = await c.mkdir(p('/d'));
    assert.equal(d.type, 'directory');
    const deep = await c.mkdir(p('/d/x/y/z'), { parents: true });
    assert.equal(deep.name, 'z');
    await c.mkdir(p('/d/x'), { parents: true }); // an existing directory is fine with parents
    await assert.rejects(c.mkdir(p('/d')), AlreadyExists);
    await assert.rejects(c.mkdir(p('/nope/a')), NotFound);
    const st = await c.stat(p('/d/x/y'));
    assert.ok(st.isDirectory);
  });

  await t.test('an empty file', async () => {
    const e = await c.putFile(Buffer.alloc(0), p('/d/empty'));
    assert.equal(e.type, 'file');
    assert.equal(e.length, 0);
    assert.equal(e.crc32c, 0);
    assert.equal((await c.readFile(p('/d/empty'))).length, 0);
    const s = await c.open(p('/d/empty'));
    assert.equal((await drain(s)).length, 0);
    // an empty stream of unknown size too
    const e2 = await c.putFile(Readable.from([]), p('/d/empty2'));
    assert.equal(e2.length, 0);
  });

  const small = crypto.randomBytes(70000);
  await t.test('a small file: putFile, stat, open, readFile, new version', async () => {
    const e = await c.putFile(small, p('/d/small.bin'));
    assert.equal(e.length, small.length);
    const st = await c.stat(p('/d/small.bin'));
    assert.equal(st.objectId, e.objectId);
    assert.equal(st.crc32c, require('@node-rs/crc32').crc32c(small) | 0);
    const s = await c.open(p('/d/small.bin'));
    assert.equal(s.entry.length, small.length);
    assert.equal(sha256(await drain(s)), sha256(small));
    const v2 = crypto.randomBytes(1000);
    const e2 = await c.putFile(v2, p('/d/small.bin'));
    assert.ok(e2.version > e.version);
    assert.equal(sha256(await c.readFile(p('/d/small.bin'))), sha256(v2));
    await c.putFile(small, p('/d/small.bin'));
  });

  const big = crypto.randomBytes(10 * MiB + 777);
  await t.test('a multi-chunk file from a local path, read back whole and in ranges, and with getFile', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dyad-node-test-'));
    try {
      const f = path.join(dir, 'big.bin');
      fs.writeFileSync(f, big);
      const e = await c.putFile(f, p('/d/big.bin'));
      assert.equal(e.length, big.length);
      assert.equal(sha256(await c.readFile(p('/d/big.bin'))), sha256(big));
      for (const [offset, length] of [[0, 10], [MiB - 1, MiB + 2], [big.length - 3, 3]]) {
        const got = await c.readFile(p('/d/big.bin'), { offset, length });
        assert.equal(sha256(got), sha256(big.subarray(offset, offset + length)), `${offset}+${length}`);
      }
      const out = path.join(dir, 'out.bin');
      const entry = await c.getFile(p('/d/big.bin'), out);
      assert.equal(entry.length, big.length);
      assert.equal(sha256(fs.readFileSync(out)), sha256(big));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  await t.test('a multi-chunk file from a stream', async () => {
    const stream = Readable.from((function* () { for (let i = 0; i < big.length; i += 65536) yield big.subarray(i, i + 65536); })());
    const e = await c.putFile(stream, p('/d/stream.bin'));
    assert.equal(e.length, big.length);
    assert.equal(sha256(await drain(await c.createReadStream(p('/d/stream.bin')))), sha256(big));
  });

  await t.test('ls in pages, in name order', async () => {
    await c.mkdir(p('/d/many'));
    const names = [];
    for (let i = 0; i < 25; i++) names.push(`f${String(i).padStart(3, '0')}`);
    for (const n of names) await c.putFile(Buffer.from(n), p(`/d/many/${n}`));
    const seen = [];
    let pages = 0;
    for await (const page of c.lsPages(p('/d/many'), { pageSize: 10 })) {
      pages += 1;
      assert.ok(page.length <= 10);
      seen.push(...page.map((x) => x.name));
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, names);
    const flat = [];
    for await (const e of c.ls(p('/d/many'), { pageSize: 7 })) flat.push(e);
    assert.deepEqual(flat.map((x) => x.name), names);
    assert.ok(flat.every((x) => x.isFile && x.length === 4));
    const top = [];
    for await (const e of c.ls(p('/d'))) top.push(`${e.name}:${e.type}`);
    assert.ok(top.includes('x:directory') && top.includes('big.bin:file'), top.join(','));
  });

  await t.test('mv of a file and of a directory', async () => {
    const e = await c.mv(p('/d/small.bin'), p('/d/x/moved.bin'));
    assert.equal(e.name, 'moved.bin');
    await assert.rejects(c.stat(p('/d/small.bin')), NotFound);
    assert.equal(sha256(await c.readFile(p('/d/x/moved.bin'))), sha256(small));
    await c.mv(p('/d/x'), '/d/x2');
    assert.ok((await c.stat(p('/d/x2/y/z'))).isDirectory);
    await assert.rejects(c.mv(p('/d/x2'), p('/d/big.bin')), AlreadyExists);
    await assert.rejects(c.mv(p('/d/x2'), p('/d/x2/y/in')), InvalidArgument);
  });

  await t.test('namespace errors are typed', async () => {
    await assert.rejects(c.open(p('/d/x2')), IsADirectory);
    await assert.rejects(c.putFile(Buffer.from('x'), p('/d/x2')), IsADirectory);
    await assert.rejects(c.stat(p('/d/big.bin/inside')), NotADirectory);
    await assert.rejects(c.mkdir(p('/d/big.bin/sub')), NotADirectory);
    await assert.rejects(c.rm(p('/d/x2')), (e) => e instanceof NotEmpty && e.code === 'NOT_EMPTY');
    await assert.rejects(c.deleteVolume(vol), NotEmpty);
    await assert.rejects(c.stat(p('/d/../d')), InvalidArgument);
    await assert.rejects(c.stat(p('/d/')), InvalidArgument);
    await assert.rejects(c.stat('bad path'), InvalidArgument);
    await assert.rejects(c.createVolume('-bad/volume'), InvalidArgument);
    await assert.rejects(c.stat(`${uniqueName('node-novol')}:/`), NotFound);
    await assert.rejects(c.open(p('/d/missing')), (e) => e instanceof NotFound && e instanceof DyadError && !('thriftName' in e));
  });

  await t.test('rm of a file, of an empty directory, recursive; deleteVolume', async () => {
    await c.rm(p('/d/x2/moved.bin'));
    await assert.rejects(c.stat(p('/d/x2/moved.bin')), NotFound);
    await c.rm(p('/d/x2/y/z'));
    await c.rm(p('/d'), { recursive: true });
    await assert.rejects(c.stat(p('/d')), NotFound);
    await assert.rejects(c.rm(p('/d')), NotFound);
    await c.deleteVolume(vol);
    // the volume list may lag the delete a moment
    let listed = true;
    for (let i = 0; i < 50 && listed; i++) {
      listed = (await c.volumes()).some((x) => x.name === vol);
      if (listed) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(!listed, 'a deleted volume leaves the list');
    await assert.rejects(c.deleteVolume(vol), NotFound);
  });
});

test('access control: a bad credential is AccessDenied', async (t) => {
  const bad = client({ credential: 'dyad1.bm90LWEtbG9jYXRvcg.AAAA' });
  const none = client({ credential: '' });
  const good = client();
  t.after(() => { bad.close(); none.close(); good.close(); });
  const info = await good.putObject(Buffer.from('guarded'));
  try {
    for (const c of [bad, none]) {
      await assert.rejects(c.statObject(info.id), (e) => e instanceof AccessDenied && e.code === 'ACCESS_DENIED');
      await assert.rejects(c.getObject(info.id), AccessDenied);
      await assert.rejects(c.putObject(Buffer.from('x')), AccessDenied);
      await assert.rejects(c.putObject(crypto.randomBytes(3 * MiB), { }), AccessDenied);
      await assert.rejects(c.deleteObject(info.id), AccessDenied);
    }
    // a locator of one file does not read another object
    const wrong = good._credential().replace(/\.[^.]+$/, '.' + Buffer.alloc(32).toString('base64url'));
    await assert.rejects(good.statObject(info.id, { credential: wrong }), AccessDenied);
  } finally {
    await good.deleteObject(info.id);
  }
});

test('TLS: a server certificate from another CA is refused', async (t) => {
  // the client's own certificate as the only trusted CA: the servers' certificates do not chain to it
  const c = new DyadClient({
    gateways: process.env.DYAD_GATEWAYS,
    secretFile: process.env.DYAD_SECRET_FILE,
    tls: { ca: fs.readFileSync(process.env.DYAD_TLS_CERT), cert: process.env.DYAD_TLS_CERT, key: process.env.DYAD_TLS_KEY },
    connectTimeoutMs: 5000,
  });
  t.after(() => c.close());
  await assert.rejects(c.connect(), (e) => e instanceof DyadError && e.code === 'UNAVAILABLE');
});
