'use strict';
// What a put reads: Buffers, local files, streams and stream factories, cut into chunks.

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const errors = require('./errors');

/** Re-cuts a stream of Buffers into pieces of exactly `size` bytes (the last one shorter). */
async function* rechunk(iterable, size) {
  let parts = [];
  let have = 0;
  for await (let b of iterable) {
    if (typeof b === 'string') b = Buffer.from(b);
    else if (!Buffer.isBuffer(b)) b = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    while (b.length) {
      const take = Math.min(size - have, b.length);
      parts.push(take === b.length ? b : b.subarray(0, take));
      have += take;
      b = b.subarray(take);
      if (have === size) {
        yield parts.length === 1 ? parts[0] : Buffer.concat(parts, have);
        parts = [];
        have = 0;
      }
    }
  }
  if (have) yield parts.length === 1 ? parts[0] : Buffer.concat(parts, have);
}

async function* concatIter(first, rest) {
  yield* first;
  if (rest) {
    for (;;) {
      const r = await rest.next();
      if (r.done) return;
      yield r.value;
    }
  }
}

/**
 * What a put reads: {size (-1 unknown), reopenable, open() → async iterable of Buffers}. A Buffer, a local file
 * path or a function returning a fresh stream can be read again (a put that fails midway restarts on another
 * gateway); a stream or async iterable can be read once.
 */
async function toSource(input, size, readBytes) {
  if (Buffer.isBuffer(input) || input instanceof Uint8Array) {
    const b = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    return { size: b.length, reopenable: true, open: () => [b] };
  }
  if (typeof input === 'string') {
    const st = await fsp.stat(input);
    if (st.isDirectory()) throw new errors.InvalidArgument(`${input} is a directory`);
    return {
      size: st.size, reopenable: true,
      open: () => fs.createReadStream(input, { highWaterMark: readBytes }),
    };
  }
  if (typeof input === 'function') {
    return { size: size === undefined ? -1 : size, reopenable: true, open: () => input() };
  }
  if (input && (typeof input[Symbol.asyncIterator] === 'function' || typeof input[Symbol.iterator] === 'function')) {
    let used = false;
    return {
      size: size === undefined ? -1 : size, reopenable: false,
      open: () => {
        if (used) throw new errors.Unavailable('the put failed midway and its source is a stream, which cannot be read again (give a path, a Buffer or a function returning a stream to have the put restarted elsewhere)');
        used = true;
        return input;
      },
    };
  }
  throw new errors.InvalidArgument('a put needs a Buffer, a local file path, a readable stream or a function returning one');
}

module.exports = { rechunk, concatIter, toSource };
