'use strict';

const errors = require('./errors');

/** How long a gateway that failed is tried last. */
const SUSPECT_MS = 5000;

/** Known gateways: the seeds plus what listGateways says, those that failed lately tried last. */
class GatewaySet {
  constructor(kind, seeds) {
    this.kind = kind;
    this.seeds = seeds;
    this.known = seeds.slice();
    this.suspects = new Map();
  }

  update(list) {
    if (list && list.length) {
      const all = list.slice();
      for (const s of this.seeds) if (!all.includes(s)) all.push(s);
      this.known = all;
    }
  }

  /** The n-th gateway in round-robin order, skipping those that failed in the last few seconds. */
  pick(n) {
    if (!this.known.length) throw new errors.InvalidArgument(`no ${this.kind} address to use`);
    const now = Date.now();
    const healthy = this.known.filter((g) => !(this.suspects.get(g) > now));
    const from = healthy.length ? healthy : this.known;
    return from[((n % from.length) + from.length) % from.length];
  }

  suspect(g) {
    this.suspects.set(g, Date.now() + SUSPECT_MS);
  }
}

module.exports = { GatewaySet };
