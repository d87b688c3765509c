#!/usr/bin/env node
'use strict';
// Puts and gets a file (default 256 MiB) and prints MB/s for each.
//   node examples/bench.js [MiB] [--via-gateway] [--chunk-mib N] [--read-ahead N]
// Uses the same environment as copy.js. The file is written as a file (DDM create, DOSM put, DDM commit) and read
// back with open (direct reads from the storage node unless --via-gateway); the bytes are compared by SHA-256.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const crypto = require('node:crypto');
const { DyadClient, DyadError } = require(path.join(__dirname, '..', 'lib'));

async function main() {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : dflt; };
  const mib = Number(args.find((a, i) => /^\d+$/.test(a) && !/^--/.test(args[i - 1] || '')) || 256);
  const direct = !args.includes('--via-gateway');
  const chunkMiB = opt('--chunk-mib', 1);
  const readAhead = opt('--read-ahead', 8);
  const client = DyadClient.fromEnv({ chunkBytes: chunkMiB * 1024 * 1024, readAhead, directReads: direct });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dyad-bench-'));
  const local = path.join(dir, 'in.bin');
  const volume = `bench-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
  try {
    // a random file, written in 16 MiB pieces
    const hash = crypto.createHash('sha256');
    const fd = fs.openSync(local, 'w');
    for (let left = mib * 1024 * 1024; left > 0;) {
      const b = crypto.randomBytes(Math.min(left, 16 * 1024 * 1024));
      hash.update(b);
      fs.writeSync(fd, b);
      left -= b.length;
    }
    fs.closeSync(fd);
    const want = hash.digest('hex');
    await client.connect();
    await client.createVolume(volume);
    const bytes = mib * 1024 * 1024;
    let t = process.hrtime.bigint();
    await client.putFile(local, `${volume}:/bench.bin`);
    const putS = Number(process.hrtime.bigint() - t) / 1e9;
    t = process.hrtime.bigint();
    const got = crypto.createHash('sha256');
    const s = await client.open(`${volume}:/bench.bin`);
    for await (const b of s) got.update(b);
    const getS = Number(process.hrtime.bigint() - t) / 1e9;
    if (got.digest('hex') !== want) throw new Error('the bytes read back differ from those written');
    console.log(`put ${mib} MiB: ${putS.toFixed(2)} s, ${(bytes / 1e6 / putS).toFixed(1)} MB/s (chunks of ${chunkMiB} MiB)`);
    console.log(`get ${mib} MiB: ${getS.toFixed(2)} s, ${(bytes / 1e6 / getS).toFixed(1)} MB/s (${direct ? 'direct from the storage node when it can' : 'through the gateways'}, ${readAhead} chunks ahead)`);
    await client.rm(`${volume}:/bench.bin`);
    await client.deleteVolume(volume);
  } finally {
    client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench.js: ${e instanceof DyadError ? `${e.name}: ${e.message}` : (e && e.stack) || e}\n`);
  process.exitCode = 1;
});
