'use strict';
// Shared by the tests: the cluster from the environment (as run-tests.sh passes it), unique names, hashes.
const crypto = require('node:crypto');
const { execFile } = require('node:child_process');
const { DyadClient } = require('../lib');

const REQUIRED = ['DYAD_GATEWAYS', 'DYAD_DDM', 'DYAD_SECRET_FILE', 'DYAD_TLS_CA', 'DYAD_TLS_CERT', 'DYAD_TLS_KEY'];
const missing = REQUIRED.filter((k) => !process.env[k]);
if (missing.length) {
  throw new Error(`the tests need a running Dyad cluster: set ${missing.join(', ')} (from the ready line of 'dyad local'), and DYAD_BIN and DYAD_LOCAL_DATA for the failover test`);
}

const MiB = 1024 * 1024;
const run = `${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
let n = 0;

function client(options = {}) {
  return DyadClient.fromEnv({ requestTimeoutMs: 30000, ...options });
}

/** A volume name unique to this run. */
function uniqueName(prefix) {
  n += 1;
  return `${prefix}-${run}-${n}`;
}

function sha256(b) {
  return crypto.createHash('sha256').update(b).digest('hex');
}

async function drain(stream) {
  const parts = [];
  for await (const b of stream) parts.push(b);
  return Buffer.concat(parts);
}

/** Runs `dyad local --data DYAD_LOCAL_DATA ARGS` and resolves when it returns. */
function dyadLocal(...args) {
  return new Promise((resolve, reject) => {
    execFile(process.env.DYAD_BIN, ['local', '--data', process.env.DYAD_LOCAL_DATA, ...args],
      { timeout: 120000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`dyad local ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      });
  });
}

/** Whether the dyad launcher supports --kill/--revive (an older dyad local does not). */
function killSupported() {
  return new Promise((resolve) => {
    if (!process.env.DYAD_BIN || !process.env.DYAD_LOCAL_DATA) return resolve(false);
    execFile(process.env.DYAD_BIN, ['local', '--help'], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve(`${stdout}${stderr}`.includes('--kill'));
    });
  });
}

module.exports = { MiB, client, uniqueName, sha256, drain, dyadLocal, killSupported };
