'use strict';
// Connections: the `thrift` package's Connection and generated clients over a socket this module opens (TCP or
// TLS with the cluster's CA and a client certificate), one call at a time per connection, with timeouts, and
// pooled per address with a bound and an idle limit.
const net = require('node:net');
const tls = require('node:tls');
const thrift = require('thrift');
const TFramedTransport = require('thrift/lib/nodejs/lib/thrift/framed_transport');
const errors = require('./errors');

/**
 * TFramedTransport with a receiver that gathers frames as Buffers. The package's own receiver copies every byte
 * through a JavaScript array (fine for small replies, far too slow for 1 MiB chunks); the frame format is the same.
 */
class FastFramedTransport extends TFramedTransport {
  static receiver(callback, seqid) {
    let bufs = [];
    let have = 0;
    let need = -1;
    return function onData(data) {
      if (data.length) {
        bufs.push(data);
        have += data.length;
      }
      for (;;) {
        if (need < 0) {
          if (have < 4) return;
          if (bufs[0].length < 4) bufs = [Buffer.concat(bufs, have)];
          need = bufs[0].readInt32BE(0);
          if (need < 0) throw new Error(`negative frame size ${need}`);
          bufs[0] = bufs[0].subarray(4);
          have -= 4;
          if (bufs[0].length === 0) bufs.shift();
        }
        if (have < need) return;
        let frame;
        if (need === 0) {
          frame = Buffer.alloc(0);
        } else if (bufs[0].length >= need) {
          frame = bufs[0].subarray(0, need);
          bufs[0] = bufs[0].subarray(need);
          if (bufs[0].length === 0) bufs.shift();
        } else {
          const all = Buffer.concat(bufs, have);
          frame = all.subarray(0, need);
          bufs = all.length > need ? [all.subarray(need)] : [];
        }
        have -= need;
        need = -1;
        callback(new TFramedTransport(frame), seqid);
      }
    };
  }
}

/** "HOST:PORT" → {host, port}; throws InvalidArgument. */
function parseAddress(address) {
  const s = String(address).trim();
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(s);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
    throw new errors.InvalidArgument(`not a HOST:PORT address: '${address}'`);
  }
  return { host: m[1], port: Number(m[2]) };
}

/**
 * One connection to one server, one call at a time. A call that gets no answer within the request timeout, and
 * every call under way when the socket fails, is refused with Unavailable; the connection is then broken.
 */
class Conn {
  constructor(address, Service, opts) {
    this.address = address;
    this.broken = false;
    this.busy = false;
    this.lastUsed = Date.now();
    this._pending = null;
    this._requestTimeoutMs = opts.requestTimeoutMs || 60000;
    const { host, port } = parseAddress(address);
    const connectTimeoutMs = opts.connectTimeoutMs || 10000;
    let socket;
    if (opts.tls) {
      socket = tls.connect({
        host, port,
        ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key,
        minVersion: 'TLSv1.2',
        rejectUnauthorized: true, // the server's certificate must come from the CA and name the address dialled
      });
    } else {
      socket = net.createConnection({ host, port });
    }
    this.socket = socket;
    this._conn = new thrift.Connection(socket, { transport: FastFramedTransport, protocol: thrift.TBinaryProtocol });
    this.client = thrift.createClient(Service, this._conn);
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._fail(new Error(`connect timed out after ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      this._conn.once('connect', () => { clearTimeout(timer); resolve(this); });
      this._onDead = (err) => { clearTimeout(timer); reject(errors.fromThrift(err, `connection to ${address}`)); };
    });
    this.ready.catch(() => {}); // observed by whoever awaits it
    // Every failure of the socket or of decoding lands here: never an unhandled 'error' event.
    this._conn.on('error', (err) => this._fail(err));
    this._conn.on('close', () => this._fail(new Error('connection closed')));
    this._conn.on('timeout', () => {});
  }

  _fail(err) {
    const first = !this.broken;
    this.broken = true;
    if (first) {
      this._onDead && this._onDead(err);
      try { this.socket.destroy(); } catch (_) { /* already gone */ }
    }
    const p = this._pending;
    if (p) {
      this._pending = null;
      clearTimeout(p.timer);
      p.reject(errors.fromThrift(err, `connection to ${this.address}`));
    }
  }

  /** Calls `method` with `args`; resolves with its result, rejects with a DyadError. */
  call(method, ...args) {
    if (this.broken) {
      return Promise.reject(new errors.Unavailable(`connection to ${this.address} is closed`));
    }
    if (this._pending) {
      return Promise.reject(new errors.InternalError('one call at a time on a connection'));
    }
    return new Promise((resolve, reject) => {
      const p = { resolve, reject, timer: null };
      p.timer = setTimeout(() => {
        this._fail(new Error(`${method}: no answer within ${this._requestTimeoutMs} ms`));
      }, this._requestTimeoutMs);
      this._pending = p;
      try {
        this.client[method](...args, (err, result) => {
          if (this._pending !== p) return; // timed out or failed already
          this._pending = null;
          clearTimeout(p.timer);
          this.lastUsed = Date.now();
          if (err) {
            const e = errors.fromThrift(err, `${method} at ${this.address}`);
            if (e instanceof errors.InternalError && err.name !== 'TApplicationException') {
              this._fail(err); // a reply we could not read leaves the stream in an unknown state
            }
            reject(e);
          } else {
            resolve(result);
          }
        });
      } catch (err) {
        this._pending = null;
        clearTimeout(p.timer);
        reject(errors.fromThrift(err, `${method} at ${this.address}`));
      }
    });
  }

  close() {
    this.broken = true;
    const p = this._pending;
    if (p) {
      this._pending = null;
      clearTimeout(p.timer);
      p.reject(new errors.Unavailable(`connection to ${this.address} closed by the client`));
    }
    try { this.socket.destroy(); } catch (_) { /* ignore */ }
  }
}

/**
 * Connections per address: at most `max` each (a caller waits for one), idle ones closed after `idleMs`, idle
 * sockets unref'd so that they never keep the process alive.
 */
class Pool {
  constructor(Service, opts) {
    this.Service = Service;
    this.opts = opts;
    this.max = opts.maxConnectionsPerAddress || 16;
    this.idleMs = opts.idleMs || 30000;
    this._idle = new Map(); // address -> [Conn]
    this._count = new Map(); // address -> open connections
    this._waiters = new Map(); // address -> [resolve]
    this._all = new Set();
    this._closed = false;
    this._sweeper = setInterval(() => this._sweep(), Math.max(1000, this.idleMs / 3));
    this._sweeper.unref();
  }

  async lease(address) {
    if (this._closed) throw new errors.Unavailable('the client is closed');
    for (;;) {
      const idle = this._idle.get(address);
      while (idle && idle.length) {
        const c = idle.pop();
        if (!c.broken) {
          c.socket.ref();
          c.busy = true;
          return c;
        }
        this._drop(c);
      }
      if ((this._count.get(address) || 0) < this.max) {
        this._count.set(address, (this._count.get(address) || 0) + 1);
        const c = new Conn(address, this.Service, this.opts);
        this._all.add(c);
        try {
          await c.ready;
        } catch (e) {
          this._drop(c);
          throw e;
        }
        if (this._closed) {
          this._drop(c);
          throw new errors.Unavailable('the client is closed');
        }
        c.busy = true;
        return c;
      }
      await new Promise((resolve) => {
        if (!this._waiters.has(address)) this._waiters.set(address, []);
        this._waiters.get(address).push(resolve);
      });
    }
  }

  release(c) {
    c.busy = false;
    c.lastUsed = Date.now();
    if (c.broken || this._closed) {
      this._drop(c);
    } else {
      c.socket.unref();
      if (!this._idle.has(c.address)) this._idle.set(c.address, []);
      this._idle.get(c.address).push(c);
    }
    const w = this._waiters.get(c.address);
    if (w && w.length) w.shift()();
  }

  /** Runs fn(conn) on a leased connection and gives it back. */
  async with(address, fn) {
    const c = await this.lease(address);
    try {
      return await fn(c);
    } finally {
      this.release(c);
    }
  }

  /** Closes the idle connections to an address (after it failed). */
  forget(address) {
    const idle = this._idle.get(address) || [];
    this._idle.set(address, []);
    for (const c of idle) this._drop(c);
  }

  _drop(c) {
    if (!this._all.has(c)) return;
    this._all.delete(c);
    c.close();
    this._count.set(c.address, Math.max(0, (this._count.get(c.address) || 1) - 1));
    const w = this._waiters.get(c.address);
    if (w && w.length) w.shift()();
  }

  _sweep() {
    const now = Date.now();
    for (const [, idle] of this._idle) {
      for (let i = idle.length - 1; i >= 0; i--) {
        if (idle[i].broken || now - idle[i].lastUsed > this.idleMs) {
          const [c] = idle.splice(i, 1);
          this._drop(c);
        }
      }
    }
  }

  close() {
    this._closed = true;
    clearInterval(this._sweeper);
    for (const c of [...this._all]) this._drop(c);
    this._idle.clear();
    for (const [, w] of this._waiters) for (const r of w.splice(0)) r();
  }
}

module.exports = { FastFramedTransport, Conn, Pool, parseAddress };
