'use strict';
// The operator's credential: an ADMIN locator signed with the cluster secret (DYAD_SECRET_FILE), re-signed before
// it expires.
const fs = require('node:fs');
const crypto = require('node:crypto');
const errors = require('./errors');

const LIFE_MS = 10 * 60 * 1000;
const RENEW_BEFORE_MS = 2 * 60 * 1000;

/** The 32-byte key of a secret file: its first non-empty line, 64 hex digits. */
function readSecret(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new errors.InvalidArgument(`cannot read the secret file ${file}: ${e.message}`);
  }
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0);
  if (!line || !/^[0-9a-fA-F]{64}$/.test(line)) {
    throw new errors.InvalidArgument(`the secret file ${file} does not start with 64 hex digits`);
  }
  return Buffer.from(line, 'hex');
}

/** An ADMIN credential valid until expiresAtMillis. */
function signAdmin(key, expiresAtMillis) {
  const payload = Buffer.from(`ADMIN\n${expiresAtMillis}\n*`, 'utf8');
  const mac = crypto.createHmac('sha256', key).update(payload).digest();
  return `dyad1.${payload.toString('base64url')}.${mac.toString('base64url')}`;
}

/** A function returning a valid operator credential ("" without a secret). */
function adminCredential(secretFile) {
  if (!secretFile) return () => '';
  const key = readSecret(secretFile);
  let current = '';
  let expires = 0;
  return () => {
    const now = Date.now();
    if (now > expires - RENEW_BEFORE_MS) {
      expires = now + LIFE_MS;
      current = signAdmin(key, expires);
    }
    return current;
  };
}

module.exports = { readSecret, signAdmin, adminCredential };
