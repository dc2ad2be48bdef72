// Preload (`node --require test/helpers/blockNetwork.cjs ...`): refuses every connection and DNS
// lookup that is not to this machine, and records each attempt (one JSON line) in the file named by
// TOKENMETER_NET_LOG. Node's fetch (undici) connects through these same `net`/`tls` functions.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');
const dns = require('node:dns');

const logFile = process.env.TOKENMETER_NET_LOG;
const loopback = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

function record(kind, host, allowed) {
  if (logFile) fs.appendFileSync(logFile, `${JSON.stringify({ kind, host: String(host), allowed, pid: process.pid })}\n`);
}

function hostOf(args) {
  const [first, second] = args;
  if (first && typeof first === 'object') return first.host ?? first.hostname ?? (first.path ? 'unix-socket' : 'localhost');
  if (typeof first === 'number') return typeof second === 'string' ? second : 'localhost';
  if (typeof first === 'string' && !/^\d+$/.test(first)) return 'unix-socket';
  return 'localhost';
}

function guard(kind, original) {
  return function guarded(...args) {
    const host = hostOf(args);
    const allowed = loopback.has(host) || host === 'unix-socket';
    record(kind, host, allowed);
    if (!allowed) throw new Error(`blocked by the test: ${kind} to ${host}`);
    return original.apply(this, args);
  };
}

net.connect = guard('net.connect', net.connect);
net.createConnection = guard('net.createConnection', net.createConnection);
tls.connect = guard('tls.connect', tls.connect);

function guardLookup(kind, original) {
  return function lookup(hostname, ...rest) {
    const allowed = loopback.has(hostname);
    record(kind, hostname, allowed);
    if (!allowed) {
      const callback = rest[rest.length - 1];
      const error = Object.assign(new Error(`blocked by the test: ${kind} ${hostname}`), { code: 'EAI_FAIL' });
      if (typeof callback === 'function') return void process.nextTick(callback, error);
      throw error;
    }
    return original.call(this, hostname, ...rest);
  };
}

dns.lookup = guardLookup('dns.lookup', dns.lookup);
for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny']) dns[name] = guardLookup(`dns.${name}`, dns[name]);
const originalPromisesLookup = dns.promises.lookup;
dns.promises.lookup = async function lookup(hostname, ...rest) {
  const allowed = loopback.has(hostname);
  record('dns.promises.lookup', hostname, allowed);
  if (!allowed) throw Object.assign(new Error(`blocked by the test: dns.promises.lookup ${hostname}`), { code: 'EAI_FAIL' });
  return originalPromisesLookup.call(this, hostname, ...rest);
};
