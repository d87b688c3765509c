'use strict';
// A client's run of file operations under a directory of its own, against its own sequential model of that
// directory: mkdir (never with parents), putFile (new files and new versions, some empty), mv (files and whole
// directories), rm (files, empty directories, small trees), readFile and ls, each chosen so that it must succeed on
// the model and each answer checked against it. A change applied twice fails (a second mkdir is AlreadyExists, a
// second mv or rm NotFound) or leaves a tree that verify() rejects.
const assert = require('node:assert/strict');
const { crc32c } = require('@node-rs/crc32');

/** A small seeded generator (mulberry32), so that a run can be repeated. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class FileWorkload {
  /** root: "volume:/dir", a new directory whose parent exists (made by start()). */
  constructor(client, root, seed) {
    this.c = client;
    this.root = root;
    this.random = seeded(seed);
    this.dirs = new Set([root]);
    this.files = new Map();
    this.names = 0;
    this.done = 0;
    this.longestMs = 0;
    this.longestOp = '';
  }

  async start() {
    await this.c.mkdir(this.root);
  }

  below() {
    return [...this.dirs].filter((d) => d !== this.root);
  }

  int(n) {
    return Math.floor(this.random() * n);
  }

  pick(items) {
    const sorted = [...items].sort();
    return sorted[this.int(sorted.length)];
  }

  name(prefix) {
    this.names += 1;
    return `${prefix}${this.names}`;
  }

  /** One operation the model says must succeed; rejects on any failure or wrong answer. */
  async step() {
    const start = process.hrtime.bigint();
    const what = await this.operation();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (ms > this.longestMs) {
      this.longestMs = ms;
      this.longestOp = what;
    }
    this.done += 1;
  }

  async operation() {
    const { c } = this;
    const dice = this.int(100);
    if (dice < 22 || this.dirs.size < 3) {
      const path = `${this.pick(this.dirs)}/${this.name('d')}`;
      assert.ok((await c.mkdir(path)).isDirectory);
      this.dirs.add(path);
      return `mkdir ${path}`;
    }
    if (dice < 47 || this.files.size === 0) {
      const path = this.files.size === 0 || this.random() < 0.5
        ? `${this.pick(this.dirs)}/${this.name('f')}` : this.pick(this.files.keys());
      const data = Buffer.alloc(this.int(8) === 0 ? 0 : 1 + this.int(4000));
      for (let i = 0; i < data.length; i++) data[i] = this.int(256);
      assert.equal((await c.putFile(data, path)).length, data.length);
      this.files.set(path, data);
      return `put ${path}`;
    }
    if (dice < 60) {
      const below = this.below();
      const source = below.length && this.int(3) === 0 ? this.pick(below) : this.pick(this.files.keys());
      const targets = [...this.dirs].filter((d) => d !== source && !d.startsWith(`${source}/`));
      const target = `${this.pick(targets)}/${this.name('r')}`;
      await c.mv(source, target);
      this.move(source, target);
      return `mv ${source} ${target}`;
    }
    if (dice < 70) {
      const below = this.below();
      const tree = below.length > 0 && this.int(4) === 0;
      let path;
      if (tree) {
        path = this.pick(below);
      } else {
        const all = [...this.dirs, ...this.files.keys()];
        const empty = below.filter((d) => !all.some((p) => p.startsWith(`${d}/`)));
        path = this.pick([...this.files.keys(), ...empty]);
      }
      await c.rm(path, { recursive: tree });
      const gone = (p) => p === path || p.startsWith(`${path}/`);
      for (const d of [...this.dirs]) if (gone(d)) this.dirs.delete(d);
      for (const f of [...this.files.keys()]) if (gone(f)) this.files.delete(f);
      return `rm ${path}`;
    }
    if (dice < 85) {
      const path = this.pick(this.files.keys());
      assert.ok((await c.readFile(path)).equals(this.files.get(path)), `${path} reads as written`);
      return `read ${path}`;
    }
    const dir = this.pick(this.dirs);
    const listed = [];
    for await (const e of c.ls(dir)) listed.push(e.name);
    assert.deepEqual(listed, this.children(dir), `ls ${dir}`);
    return `ls ${dir}`;
  }

  children(dir) {
    const prefix = `${dir}/`;
    return [...this.dirs, ...this.files.keys()]
      .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
      .map((p) => p.slice(prefix.length)).sort();
  }

  move(source, target) {
    const moved = (p) => (p === source || p.startsWith(`${source}/`) ? target + p.slice(source.length) : p);
    this.dirs = new Set([...this.dirs].map(moved));
    this.files = new Map([...this.files].map(([p, v]) => [moved(p), v]));
  }

  /** The tree as the cluster holds it, walked afresh, checked against the model. */
  async verify() {
    const dirs = new Set([this.root]);
    const files = {};
    const todo = [this.root];
    while (todo.length) {
      const d = todo.pop();
      for await (const e of this.c.ls(d)) {
        const p = `${d}/${e.name}`;
        if (e.isDirectory) {
          dirs.add(p);
          todo.push(p);
        } else {
          files[p] = `${e.length}/${e.crc32c | 0}`;
        }
      }
    }
    const expected = {};
    for (const [p, v] of this.files) expected[p] = `${v.length}/${v.length ? crc32c(v) | 0 : 0}`;
    assert.deepEqual([...dirs].sort(), [...this.dirs].sort(), 'the directories against the model');
    assert.deepEqual(files, expected, 'the files against the model');
  }
}

module.exports = { FileWorkload };
