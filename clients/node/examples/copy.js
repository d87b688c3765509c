#!/usr/bin/env node
'use strict';
// Copies a file into Dyad or out of it:
//   node examples/copy.js put LOCAL VOLUME:/PATH   (creates the volume if it does not exist, and says so)
//   node examples/copy.js get VOLUME:/PATH LOCAL
// The cluster comes from the environment the dyad CLI uses: DYAD_GATEWAYS, DYAD_DDM, DYAD_SECRET_FILE,
// DYAD_TLS_CA, DYAD_TLS_CERT, DYAD_TLS_KEY. Exit status: 0 done, 1 failed, 2 bad usage.
const path = require('node:path');
const { DyadClient, DyadError, parsePath, NotFound, AlreadyExists } = require(path.join(__dirname, '..', 'lib'));

const USAGE = 'usage: copy.js put LOCAL VOLUME:/PATH | copy.js get VOLUME:/PATH LOCAL';

function usage(message) {
  process.stderr.write(`copy.js: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(argv) {
  const [verb, from, to, ...extra] = argv;
  if (verb === '-h' || verb === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!verb || !from || !to || extra.length) usage('expected a verb and two arguments');
  if (verb !== 'put' && verb !== 'get') usage(`unknown verb '${verb}'`);
  const remote = verb === 'put' ? to : from;
  try {
    parsePath(remote);
  } catch (e) {
    usage(e.message);
  }
  if (!process.env.DYAD_GATEWAYS && !process.env.DYAD_DDM) {
    usage('set DYAD_GATEWAYS (and DYAD_DDM) to the cluster\'s gateways (dyad local prints them)');
  }
  const client = DyadClient.fromEnv();
  const started = Date.now();
  try {
    if (verb === 'put') {
      const { volume } = parsePath(remote);
      let entry;
      try {
        entry = await client.putFile(from, remote);
      } catch (e) {
        if (!(e instanceof NotFound)) throw e;
        if ((await client.volumes()).some((v) => v.name === volume)) throw e; // a missing directory, not the volume
        try {
          await client.createVolume(volume);
          process.stderr.write(`copy.js: created volume ${volume}\n`);
        } catch (c) {
          if (!(c instanceof AlreadyExists)) throw c;
        }
        entry = await client.putFile(from, remote);
      }
      report(`put ${from} -> ${remote}`, entry.length, started);
    } else {
      const entry = await client.getFile(remote, to);
      report(`get ${remote} -> ${to}`, entry.length, started);
    }
    return 0;
  } finally {
    client.close();
  }
}

function report(what, bytes, started) {
  const s = Math.max(1, Date.now() - started) / 1000;
  process.stderr.write(`${what}: ${bytes} bytes in ${s.toFixed(2)} s (${(bytes / 1e6 / s).toFixed(1)} MB/s)\n`);
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
  if (e instanceof DyadError) {
    process.stderr.write(`copy.js: ${e.name}: ${e.message}\n`);
  } else if (e && e.code && typeof e.code === 'string' && e.syscall) {
    process.stderr.write(`copy.js: ${e.message}\n`); // a local file error (ENOENT, EACCES, ...)
  } else {
    process.stderr.write(`copy.js: unexpected error: ${e && e.stack ? e.stack : e}\n`);
  }
  process.exitCode = 1;
});
