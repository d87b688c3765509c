'use strict';
// DyadClient: objects through the DOSMs (ObjectGateway), files by path through the DDMs (FileSystem), bytes read
// straight from the storage node when a DOSM names one (StorageNode.readDirect), with failover between gateways.
const fs = require('node:fs');
const crypto = require('node:crypto');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const { crc32c } = require('@node-rs/crc32');
const ObjectGateway = require('../gen/ObjectGateway');
const FileSystem = require('../gen/FileSystem');
const StorageNode = require('../gen/StorageNode');
const errors = require('./errors');
const { Pool, parseAddress } = require('./transport');
const { adminCredential } = require('./credential');
const { rechunk, concatIter, toSource } = require('./sources');
const { GatewaySet } = require('./gateways');

const MiB = 1024 * 1024;
const DIRECT_PAUSE_MS = 30000;
const REFRESH_MS = 30000;
const PAGE = 1000;

// ---- conversions: no Int64, no generated struct ever reaches the caller ----

function num(v) {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v.toNumber === 'function') return v.toNumber(true);
  return Number(v);
}

function toInfo(o) {
  return {
    id: o.id,
    length: num(o.length),
    crc32c: o.crc32c | 0,
    tombstone: !!o.tombstone,
    writtenAtMillis: num(o.writtenAtMillis),
  };
}

function toEntry(i) {
  const e = {
    name: i.name,
    type: i.type === 1 ? 'directory' : 'file',
    inode: num(i.id),
    parent: num(i.parent),
    createdAt: num(i.createdAt),
    modifiedAt: num(i.modifiedAt),
    version: num(i.version),
  };
  if (e.type === 'file') {
    e.objectId = i.objectId === null ? undefined : i.objectId;
    e.length = num(i.length) || 0;
    e.crc32c = (i.crc32c || 0) | 0;
  }
  e.isDirectory = e.type === 'directory';
  e.isFile = e.type === 'file';
  return e;
}

function toVolume(v) {
  return { name: v.name, directoryPair: v.directoryPair, createdAt: num(v.createdAt) };
}

/**
 * A change's request id: one per operation, sent again with every retry of it (any connection, any DDM), so that a
 * change whose reply was lost is answered by the DDM instead of applied a second time.
 */
function requestId() {
  return crypto.randomUUID();
}

function hex32(v) {
  return (v >>> 0).toString(16).padStart(8, '0');
}

/** "volume:/a/b" → {volume, path}. */
function parsePath(remote) {
  if (typeof remote !== 'string') throw new errors.InvalidArgument(`not a VOLUME:/PATH string: ${remote}`);
  const at = remote.indexOf(':');
  if (at <= 0 || remote[at + 1] !== '/') {
    throw new errors.InvalidArgument(`'${remote}' is not VOLUME:/PATH (e.g. photos:/2024/a.jpg)`);
  }
  return { volume: remote.slice(0, at), path: remote.slice(at + 1) };
}

function addressList(v) {
  if (!v) return [];
  const list = Array.isArray(v) ? v : String(v).split(',');
  return list.map((s) => String(s).trim()).filter((s) => s.length > 0).map((s) => { parseAddress(s); return s; });
}

function readPem(v) {
  if (v === undefined || v === null) return undefined;
  if (Buffer.isBuffer(v)) return v;
  const s = String(v);
  return s.includes('-----BEGIN') ? Buffer.from(s) : fs.readFileSync(s);
}

/**
 * A client of a Dyad cluster. Promise-based; reads and writes stream in bounded memory; every whole read is
 * checked against the object's CRC32C. Call close() when done (idle connections never keep the process alive).
 *
 * options: gateways (DOSM "HOST:PORT" list or comma-separated string), ddms (DDM addresses; learned from the
 * gateways when absent), secretFile (cluster secret: operator credential for objects) or credential (a string or
 * a function returning one), tls: {ca, cert, key} (PEM Buffers, PEM text or file paths; TLS when ca is given),
 * chunkBytes (default 1 MiB as the Java client, capped at the gateways' maxChunkBytes), readAhead (chunks in
 * flight per read, default 8: a read holds at most readAhead chunks in memory), attempts (default 3), directReads (default true), connectTimeoutMs, requestTimeoutMs,
 * maxConnectionsPerGateway (16), idleMs (30000).
 */
class DyadClient {
  constructor(options = {}) {
    this.options = options;
    const gateways = addressList(options.gateways);
    const ddms = addressList(options.ddms);
    if (!gateways.length && !ddms.length) {
      throw new errors.InvalidArgument('give at least one gateway address (options.gateways, DYAD_GATEWAYS)');
    }
    this._dosms = new GatewaySet('gateway (DOSM)', gateways);
    this._ddms = new GatewaySet('DDM', ddms);
    if (typeof options.credential === 'function') this._credential = options.credential;
    else if (typeof options.credential === 'string') this._credential = () => options.credential;
    else this._credential = adminCredential(options.secretFile);
    let tlsOpts = null;
    if (options.tls && options.tls.ca) {
      tlsOpts = { ca: readPem(options.tls.ca), cert: readPem(options.tls.cert), key: readPem(options.tls.key) };
    }
    const poolOpts = {
      tls: tlsOpts,
      connectTimeoutMs: options.connectTimeoutMs || 10000,
      requestTimeoutMs: options.requestTimeoutMs || 60000,
      maxConnectionsPerAddress: options.maxConnectionsPerGateway || 16,
      idleMs: options.idleMs || 30000,
    };
    this._gw = new Pool(ObjectGateway, poolOpts);
    this._fs = new Pool(FileSystem, poolOpts);
    this._nodes = new Pool(StorageNode, poolOpts);
    this._unreachableNodes = new Map();
    this.maxChunkBytes = 1 * MiB;
    this._chunkBytes = options.chunkBytes || 1 * MiB;
    this._readAhead = options.readAhead || 8;
    this._attempts = options.attempts || 3;
    this._directReads = options.directReads !== false;
    this._next = 0;
    this._refreshedAt = 0;
    this._refreshing = null;
    this._closed = false;
  }

  /**
   * A client from the environment the dyad CLI uses: DYAD_GATEWAYS, DYAD_DDM, DYAD_SECRET_FILE, DYAD_TLS_CA,
   * DYAD_TLS_CERT, DYAD_TLS_KEY. options override.
   */
  static fromEnv(options = {}, env = process.env) {
    const o = {
      gateways: env.DYAD_GATEWAYS,
      ddms: env.DYAD_DDM,
      secretFile: env.DYAD_SECRET_FILE || undefined,
    };
    if (env.DYAD_TLS_CA) o.tls = { ca: env.DYAD_TLS_CA, cert: env.DYAD_TLS_CERT, key: env.DYAD_TLS_KEY };
    return new DyadClient({ ...o, ...options });
  }

  /** Learns the live gateways (done by the first operation otherwise); resolves with this client. */
  async connect() {
    await this._refresh(true);
    return this;
  }

  /** The DOSMs and DDMs known now and the chunk limit. */
  gateways() {
    return { objectGateways: this._dosms.known.slice(), directoryGateways: this._ddms.known.slice(), maxChunkBytes: this.maxChunkBytes };
  }

  /** Closes every connection. */
  close() {
    this._closed = true;
    this._gw.close();
    this._fs.close();
    this._nodes.close();
  }

  // ---- plumbing ----

  async _refresh(force) {
    if (!force && Date.now() - this._refreshedAt < REFRESH_MS) return;
    if (this._refreshing) return this._refreshing;
    this._refreshing = (async () => {
      let last;
      const ask = [...new Set([...this._dosms.known, ...this._dosms.seeds])];
      const now = Date.now();
      ask.sort((a, b) => (this._dosms.suspects.get(a) > now) - (this._dosms.suspects.get(b) > now));
      for (const g of ask) {
        try {
          const list = await this._gw.with(g, (c) => c.call('listGateways'));
          const live = list.objectGateways.slice();
          if (!live.includes(g)) live.push(g);
          this._dosms.update(live);
          if (!this._ddms.seeds.length || list.directoryGateways.length) this._ddms.update(list.directoryGateways);
          this.maxChunkBytes = list.maxChunkBytes;
          this.clusterName = list.clusterName;
          this._refreshedAt = Date.now();
          return;
        } catch (e) {
          last = e;
          this._dosms.suspect(g);
        }
      }
      if (!ask.length) {
        // only DDMs given: ask one of them
        const list = await this._ddmCall('listGateways');
        this._dosms.update(list.objectGateways);
        this._ddms.update(list.directoryGateways);
        this.maxChunkBytes = list.maxChunkBytes;
        this._refreshedAt = Date.now();
        return;
      }
      this._refreshedAt = Date.now(); // not again on every call while they are all down
      throw new errors.Unavailable(`no gateway of ${ask.join(', ')} answered: ${last && last.message}`, { cause: last });
    })();
    try {
      await this._refreshing;
    } finally {
      this._refreshing = null;
    }
  }

  async _ready() {
    if (this._closed) throw new errors.Unavailable('the client is closed');
    if (!this._refreshedAt) return this._refresh(true);
    if (Date.now() - this._refreshedAt > REFRESH_MS) await this._refresh(false).catch(() => {});
  }

  _chunk() {
    return Math.max(4096, Math.min(this._chunkBytes, this.maxChunkBytes));
  }

  /** fn(conn, gateway) on a DOSM; on Unavailable or a lost connection, again on the next one. */
  async _withGateway(what, fn, start) {
    await this._ready();
    if (start === undefined) start = this._next++;
    const attempts = Math.max(this._attempts, Math.min(this._dosms.known.length, 8));
    let last;
    for (let i = 0; i < attempts; i++) {
      const g = this._dosms.pick(start + i);
      try {
        return await this._gw.with(g, (c) => fn(c, g));
      } catch (e) {
        if (!errors.retriableElsewhere(e)) throw e;
        last = e;
        this._dosms.suspect(g);
        this._gw.forget(g);
      }
    }
    throw new errors.Unavailable(`${what} failed on every gateway tried: ${last.message}`, { cause: last });
  }

  /**
   * A FileSystem call on a DDM; on Unavailable or a lost connection, again on the next one (a change is sent again
   * with its request id, so a try that was carried out is answered, not repeated).
   */
  async _ddmCall(method, ...args) {
    return this._ddmTries(method, (c) => c.call(method, ...args));
  }

  /** fn(conn) on a DDM, as _ddmCall: once per try. */
  async _ddmTries(method, fn) {
    if (this._closed) throw new errors.Unavailable('the client is closed');
    if (!this._ddms.known.length) await this._ready();
    const start = this._next++;
    const attempts = Math.max(this._attempts, Math.min(this._ddms.known.length, 8));
    let last;
    for (let i = 0; i < attempts; i++) {
      const d = this._ddms.pick(start + i);
      try {
        return await this._fs.with(d, fn);
      } catch (e) {
        if (!errors.retriableElsewhere(e)) throw e;
        last = e;
        this._ddms.suspect(d);
        this._fs.forget(d);
        if (i + 1 < attempts) await new Promise((r) => setTimeout(r, 200 * (i + 1)));
      }
    }
    throw new errors.Unavailable(`${method} failed on every DDM tried: ${last.message}`, { cause: last });
  }

  // ---- objects ----

  /**
   * Stores an object: source is a Buffer, a local file path, a readable stream (or async iterable of Buffers),
   * or a function returning a fresh stream. opts: id (default: a random UUID chosen here, so a retry stores
   * nothing twice), size (of a stream, if known), credential (a write locator; default: the operator's),
   * onProgress({bytes, gateway}) (may return a promise, awaited). Resolves with the ObjectInfo
   * {id, length, crc32c, tombstone, writtenAtMillis}.
   */
  async putObject(source, opts = {}) {
    const id = opts.id || crypto.randomUUID();
    await this._ready();
    const src = await toSource(source, opts.size, this._chunk());
    const info = await this._putSource(id, src, opts.credential, opts, false);
    return info;
  }

  /** The put itself; allowEmpty: resolve null for an empty source (a file needs no object). */
  async _putSource(id, src, credential, opts, allowEmpty) {
    const cred = () => (credential !== undefined ? credential : this._credential());
    const whole = this.maxChunkBytes;
    let prefix = null;
    let rest = null;
    if (!(src.reopenable && src.size > whole)) {
      // small or unknown: read up to one chunk more than fits in a single call
      const it = rechunk(src.open(), whole)[Symbol.asyncIterator]();
      const a = await it.next();
      const first = a.done ? Buffer.alloc(0) : a.value;
      const b = a.done ? { done: true } : await it.next();
      if (b.done) {
        if (first.length === 0 && allowEmpty) return null;
        const crc = crc32c(first) | 0;
        const info = await this._withGateway(`put of ${id}`, async (c, g) => {
          const r = toInfo(await c.call('putObject', id, first, crc, cred()));
          if (opts.onProgress) await opts.onProgress({ bytes: first.length, gateway: g });
          return r;
        });
        return info;
      }
      if (src.reopenable) {
        if (it.return) await it.return();
      } else {
        prefix = [first, b.value];
        rest = it;
      }
    }
    const open = () => {
      if (prefix) {
        const p = prefix;
        prefix = null;
        return concatIter(p, rest);
      }
      return src.open();
    };
    return this._putChunked(id, open, src.size, cred, opts);
  }

  async _putChunked(id, open, size, cred, opts) {
    const start = this._next++;
    const attempts = Math.max(this._attempts, Math.min(this._dosms.known.length, 8));
    let last;
    for (let i = 0; i < attempts; i++) {
      const g = this._dosms.pick(start + i);
      let conn;
      let session = null;
      try {
        conn = await this._gw.lease(g);
        const s = await conn.call('beginPut', size, id, cred());
        session = s;
        const limit = Math.min(this._chunk(), s.maxChunkBytes);
        let offset = 0;
        let crc = 0;
        for await (const piece of rechunk(open(), limit)) {
          crc = crc32c(piece, crc);
          await conn.call('putChunk', s.putId, offset, piece);
          offset += piece.length;
          if (opts.onProgress) await opts.onProgress({ bytes: offset, gateway: g });
        }
        const info = await conn.call('commitPut', s.putId, offset, crc | 0);
        session = null;
        return toInfo(info);
      } catch (e) {
        if (session && conn && !conn.broken) {
          await conn.call('abortPut', session.putId).catch(() => {});
        }
        if (!(e instanceof errors.DyadError)) throw e; // the source failed: nothing to retry elsewhere
        if (!errors.retriableElsewhere(e)) throw e;
        last = e;
        this._dosms.suspect(g);
        this._gw.forget(g);
      } finally {
        if (conn) this._gw.release(conn);
      }
    }
    throw new errors.Unavailable(`put of ${id} failed on every gateway tried: ${last.message}`, { cause: last });
  }

  /**
   * A readable stream of an object's bytes (the whole object, or opts.offset/opts.length), read from the storage
   * node the gateway names when it can be reached, else (and from the first failure there on) through the
   * gateways, resuming at the offset reached on another gateway if one fails. A whole read is checked against
   * the object's CRC32C: the stream fails with ChecksumMismatch if they differ. The stream has .info (the
   * ObjectInfo). opts: credential (a read locator), direct (false: only through gateways), onProgress.
   */
  async getObject(id, opts = {}) {
    const credential = opts.credential !== undefined ? opts.credential : this._credential();
    const start = this._next++;
    const plan = await this._withGateway(`openRead of ${id}`, (c) => c.call('openRead', id, credential), start);
    const info = toInfo(plan.info);
    return this._readStream(id, info, plan.nodeAddress, credential, opts, start);
  }

  _readStream(id, info, nodeAddress, credential, opts, start) {
    const offset = opts.offset === undefined ? 0 : Number(opts.offset);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > info.length) {
      throw new errors.InvalidArgument(`offset ${opts.offset} is outside object ${id} of ${info.length} bytes`);
    }
    let length = opts.length === undefined ? info.length - offset : Number(opts.length);
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new errors.InvalidArgument(`bad length ${opts.length}`);
    }
    length = Math.min(length, info.length - offset);
    const full = offset === 0 && length === info.length;
    const stats = { bytesDirect: 0, bytesViaGateway: 0, gateways: new Set() };
    const stream = Readable.from(this._chunks(id, info, nodeAddress, credential, opts, start, offset, length, full, stats),
      { objectMode: false, highWaterMark: 1 });
    stream.info = info;
    stream.stats = stats; // where the bytes came from: {bytesDirect, bytesViaGateway, gateways}
    return stream;
  }

  async* _chunks(id, info, nodeAddress, credential, opts, start, offset, length, full, stats) {
    const chunk = this._chunk();
    const end = offset + length;
    const state = {
      direct: this._directReads && opts.direct !== false && !!nodeAddress && this._nodeOk(nodeAddress),
    };
    const fetchOnce = async (at, n) => {
      if (state.direct) {
        try {
          const data = await this._readDirect(nodeAddress, id, at, n, credential);
          stats.bytesDirect += data.length;
          return { data, from: nodeAddress };
        } catch (e) {
          state.direct = false; // the rest through the gateways
        }
      }
      let from;
      const data = await this._withGateway(`get of ${id}`, (c, g) => { from = g; return c.call('get', id, at, n, credential); }, start);
      stats.bytesViaGateway += data.length;
      stats.gateways.add(from);
      return { data, from };
    };
    const fetch = async (at, n) => {
      const first = await fetchOnce(at, n);
      if (first.data.length >= n) return first.data.length === n ? first : { data: first.data.subarray(0, n), from: first.from };
      if (first.data.length === 0) throw new errors.InternalError(`object ${id}: no bytes at offset ${at} of ${info.length}`);
      const parts = [first.data];
      let have = first.data.length;
      while (have < n) {
        const more = await fetchOnce(at + have, n - have);
        if (more.data.length === 0) throw new errors.InternalError(`object ${id}: no bytes at offset ${at + have}`);
        parts.push(more.data);
        have += more.data.length;
      }
      return { data: Buffer.concat(parts, have).subarray(0, n), from: first.from };
    };
    const inflight = [];
    let asked = offset;
    let done = offset;
    let crc = 0;
    try {
      while (asked < end || inflight.length) {
        while (inflight.length < this._readAhead && asked < end) {
          const n = Math.min(chunk, end - asked);
          const p = fetch(asked, n);
          p.catch(() => {}); // awaited below, or dropped if the reader stops early
          inflight.push(p);
          asked += n;
        }
        const r = await inflight.shift();
        if (full) crc = crc32c(r.data, crc);
        done += r.data.length;
        yield r.data;
        if (opts.onProgress) await opts.onProgress({ bytes: done - offset, gateway: r.from });
      }
    } finally {
      inflight.length = 0;
    }
    if (full && (crc | 0) !== info.crc32c) {
      throw new errors.ChecksumMismatch(`object ${id}: the bytes received have CRC32C ${hex32(crc)}, its record says ${hex32(info.crc32c)}`);
    }
  }

  _nodeOk(address) {
    const until = this._unreachableNodes.get(address);
    return !(until > Date.now());
  }

  async _readDirect(address, id, at, n, credential) {
    try {
      return await this._nodes.with(address, (c) => c.call('readDirect', id, at, n, credential));
    } catch (e) {
      if (e instanceof errors.Unavailable) {
        this._unreachableNodes.set(address, Date.now() + DIRECT_PAUSE_MS);
        this._nodes.forget(address);
      }
      throw e;
    }
  }

  /** The whole object (or a range) in a Buffer. */
  async readObject(id, opts = {}) {
    const s = await this.getObject(id, opts);
    const parts = [];
    for await (const b of s) parts.push(b);
    return Buffer.concat(parts);
  }

  /** Writes an object into a local file; resolves with its ObjectInfo. */
  async getObjectToFile(id, localPath, opts = {}) {
    const s = await this.getObject(id, opts);
    await pipeline(s, fs.createWriteStream(localPath));
    return s.info;
  }

  /** An object's record (NotFound if it does not exist or was deleted). */
  async statObject(id, opts = {}) {
    const cred = opts.credential !== undefined ? opts.credential : this._credential();
    return toInfo(await this._withGateway(`stat of ${id}`, (c) => c.call('stat', id, cred)));
  }

  /** Deletes an object (idempotent); resolves with its tombstone record. */
  async deleteObject(id, opts = {}) {
    const cred = opts.credential !== undefined ? opts.credential : this._credential();
    return toInfo(await this._withGateway(`delete of ${id}`, (c) => c.call('deleteObject', id, cred)));
  }

  /** Every member known to hold the object or its tombstone: {id, pairId, locations: [{memberId, address, center, state, how}]}. */
  async locate(id, opts = {}) {
    const cred = opts.credential !== undefined ? opts.credential : this._credential();
    const l = await this._withGateway(`locate of ${id}`, (c) => c.call('locate', id, cred));
    const states = { 0: 'absent', 1: 'present', 2: 'deleted' };
    return {
      id: l.id,
      pairId: l.pairId,
      locations: l.locations.map((x) => ({ memberId: x.memberId, address: x.address, center: x.center, state: states[x.state] || String(x.state), how: x.how })),
    };
  }

  // ---- volumes ----

  async createVolume(name) {
    return toVolume(await this._ddmCall('createVolume', name, requestId()));
  }

  async volumes() {
    return (await this._ddmCall('listVolumes')).map(toVolume);
  }

  /**
   * Deletes an empty volume. Its record goes with it, so a retry after a try whose reply was lost cannot be answered
   * by its request id: NotFound then means that try deleted it, and is taken as done.
   */
  async deleteVolume(name) {
    const id = requestId();
    let tries = 0;
    try {
      await this._ddmTries('deleteVolume', (c) => { tries++; return c.call('deleteVolume', name, id); });
    } catch (e) {
      // only a try that lost its connection is tried again: one sent before may have deleted it
      if (!(e instanceof errors.NotFound) || tries < 2) throw e;
    }
  }

  // ---- files ----

  /** Makes a directory ("vol:/a/b"); opts.parents: missing ancestors too, an existing directory is fine. */
  async mkdir(remote, opts = {}) {
    const { volume, path } = parsePath(remote);
    return toEntry(await this._ddmCall('mkdir', volume, path, !!opts.parents, requestId()));
  }

  async stat(remote) {
    const { volume, path } = parsePath(remote);
    return toEntry(await this._ddmCall('stat', volume, path));
  }

  /** The pages of a directory (arrays of entries, in name order), fetched as iterated. */
  async* lsPages(remote, opts = {}) {
    const { volume, path } = parsePath(remote);
    const limit = opts.pageSize || PAGE;
    let after = '';
    for (;;) {
      const page = await this._ddmCall('listDirectory', volume, path, after, limit);
      yield page.entries.map(toEntry);
      if (page.nextAfter === null || page.nextAfter === undefined) return;
      after = page.nextAfter;
    }
  }

  /** The entries of a directory in name order, a page at a time: `for await (const e of client.ls('v:/'))`. */
  async* ls(remote, opts = {}) {
    for await (const page of this.lsPages(remote, opts)) yield* page;
  }

  /** Moves a file or directory within its volume: mv("v:/a", "v:/b") (or "/b"). */
  async mv(source, target) {
    const s = parsePath(source);
    const t = typeof target === 'string' && target.startsWith('/') ? { volume: s.volume, path: target } : parsePath(target);
    if (t.volume !== s.volume) throw new errors.InvalidArgument(`cannot move across volumes (${s.volume} to ${t.volume})`);
    return toEntry(await this._ddmCall('rename', s.volume, s.path, t.path, requestId()));
  }

  /** Removes a file or an empty directory; opts.recursive: a directory and everything under it. */
  async rm(remote, opts = {}) {
    const { volume, path } = parsePath(remote);
    await this._ddmCall('remove', volume, path, !!opts.recursive, requestId());
  }

  /**
   * Writes a file at "vol:/path" (new, or a new version): source as for putObject. Resolves with its entry.
   * opts: size (of a stream), onProgress.
   */
  async putFile(source, remote, opts = {}) {
    const { volume, path } = parsePath(remote);
    await this._ready();
    const src = await toSource(source, opts.size, this._chunk());
    const up = await this._ddmCall('create', volume, path, requestId());
    let length = 0;
    let crc = 0;
    if (src.size !== 0) {
      const info = await this._putSource(up.objectId, src, up.writeLocator, opts, true);
      if (info) {
        length = info.length;
        crc = info.crc32c;
      }
    }
    return toEntry(await this._ddmCall('commit', volume, path, up.uploadId, up.objectId, length, crc, requestId()));
  }

  /**
   * A readable stream of the file at "vol:/path" (opts.offset/opts.length for a range), with .entry; a whole read
   * is checked against the file's CRC32C.
   */
  async open(remote, opts = {}) {
    const { volume, path } = parsePath(remote);
    const of = await this._ddmCall('open', volume, path);
    const entry = toEntry(of.file);
    if (entry.length === 0) {
      const s = Readable.from([], { objectMode: false });
      s.entry = entry;
      s.info = { id: entry.objectId, length: 0, crc32c: 0, tombstone: false };
      return s;
    }
    const stream = await this.getObject(entry.objectId, { ...opts, credential: of.readLocator });
    if (stream.info.length !== entry.length || stream.info.crc32c !== entry.crc32c) {
      stream.destroy();
      throw new errors.ChecksumMismatch(`file ${remote} is recorded as ${entry.length} bytes with CRC32C ${hex32(entry.crc32c)} but its object holds ${stream.info.length} bytes with CRC32C ${hex32(stream.info.crc32c)}`);
    }
    stream.entry = entry;
    return stream;
  }

  /** Same as open. */
  createReadStream(remote, opts) {
    return this.open(remote, opts);
  }

  /** The whole file (or a range) in a Buffer. */
  async readFile(remote, opts = {}) {
    const s = await this.open(remote, opts);
    const parts = [];
    for await (const b of s) parts.push(b);
    return Buffer.concat(parts);
  }

  /** Copies the file at "vol:/path" into a local file; resolves with its entry. */
  async getFile(remote, localPath, opts = {}) {
    const s = await this.open(remote, opts);
    await pipeline(s, fs.createWriteStream(localPath));
    return s.entry;
  }
}

module.exports = { DyadClient, parsePath };
