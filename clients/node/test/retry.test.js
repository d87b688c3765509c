'use strict';
// Changes whose reply is lost: the client sends them again under the same request id and gets the first answer,
// the change applied once. A proxy in front of the DDM lets a request through, swallows its reply, cuts the connection.
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { client, uniqueName } = require('./helpers');
const { parseAddress } = require('../lib/transport');
const { NotFound } = require('../lib');

/**
 * A TCP proxy to one server that can lose a reply. A request is the client's first bytes after a reply on the same
 * connection, so only requests on a connection that already carried one (a pooled one) are counted; it reads no
 * bytes, so TLS passes through. It listens on the server's own address (the certificate names it), on a free port.
 */
class LoseReplyProxy {
  constructor(target) {
    this.target = parseAddress(target);
    this.countdown = 0;
    this.lost = 0;
    this.sockets = new Set();
    this.server = net.createServer((downstream) => this._link(downstream));
  }

  async listen() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, this.target.host, resolve);
    });
    this.address = `${this.target.host}:${this.server.address().port}`;
    return this;
  }

  /** Loses the reply to the nth request from now (1: the next) on a connection that carried one before. */
  loseReplyTo(nth = 1) {
    this.countdown = nth;
  }

  _link(downstream) {
    const upstream = net.connect(this.target.port, this.target.host);
    const link = { replied: false, losing: false };
    const cut = () => { downstream.destroy(); upstream.destroy(); };
    for (const s of [downstream, upstream]) {
      this.sockets.add(s);
      s.on('error', cut);
      s.on('close', () => { this.sockets.delete(s); cut(); });
    }
    downstream.on('data', (data) => {
      if (link.replied) {
        link.replied = false;
        if (this.countdown > 0 && --this.countdown === 0) link.losing = true;
      }
      upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (link.losing) {
        this.lost += 1;
        cut();
        return;
      }
      link.replied = true;
      downstream.write(data);
    });
  }

  close() {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(resolve));
  }
}

test('a change whose reply is lost is applied once and answered when sent again', async (t) => {
  const c = client();
  const vol = uniqueName('node-lost');
  await c.createVolume(vol);
  const proxy = await new LoseReplyProxy(process.env.DYAD_DDM.split(',')[0].trim()).listen();
  const lossy = client({ gateways: [], ddms: [proxy.address], attempts: 3 });
  t.after(async () => {
    lossy.close();
    await proxy.close();
    await c.rm(`${vol}:/d`, { recursive: true }).catch(() => {});
    await c.deleteVolume(vol).catch(() => {});
    c.close();
  });
  await lossy.connect(); // asks the DDM for the gateways (through the proxy) ...
  lossy._ddms.known = [proxy.address]; // ... and keeps to the proxy, not the DDMs it listed
  await lossy.stat(`${vol}:/`); // the connection the next change goes on has carried a call (pooled, reused)

  proxy.loseReplyTo(1);
  const made = await lossy.mkdir(`${vol}:/d`); // without parents: a second mkdir would be AlreadyExists
  assert.equal(proxy.lost, 1);
  assert.ok(made.isDirectory);
  assert.equal((await c.stat(`${vol}:/d`)).inode, made.inode);

  const f = await c.putFile(Buffer.from('abc'), `${vol}:/d/a`);
  proxy.loseReplyTo(1);
  const moved = await lossy.mv(`${vol}:/d/a`, '/d/b'); // a second rename would be NotFound
  assert.equal(proxy.lost, 2);
  assert.equal(moved.name, 'b');
  assert.equal(moved.inode, f.inode);
  await assert.rejects(c.stat(`${vol}:/d/a`), NotFound);

  proxy.loseReplyTo(1);
  await lossy.rm(`${vol}:/d/b`); // a second remove would be NotFound
  assert.equal(proxy.lost, 3);
  await assert.rejects(c.stat(`${vol}:/d/b`), NotFound);

  // an empty file goes through the DDM only: create, then commit
  proxy.loseReplyTo(1); // the create's
  const first = await lossy.putFile(Buffer.alloc(0), `${vol}:/d/e`);
  proxy.loseReplyTo(2); // the commit's (after the create's)
  const second = await lossy.putFile(Buffer.alloc(0), `${vol}:/d/e`);
  assert.equal(proxy.lost, 5);
  assert.equal(second.version, first.version + 1, 'one new version');

  const other = uniqueName('node-lost-volume');
  proxy.loseReplyTo(1);
  const v = await lossy.createVolume(other); // a second create would be AlreadyExists
  assert.equal(proxy.lost, 6);
  assert.equal(v.name, other);
  assert.ok((await c.stat(`${other}:/`)).isDirectory);
  proxy.loseReplyTo(1);
  await lossy.deleteVolume(other);
  assert.equal(proxy.lost, 7);
  await assert.rejects(c.stat(`${other}:/`), NotFound);
});
