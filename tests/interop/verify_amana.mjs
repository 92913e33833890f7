// verify_amana.mjs DIR: @animo-id/mdoc verifies an amana DeviceResponse.
// DIR holds response.cbor, transcript.cbor (SessionTranscriptBytes, i.e.
// #6.24 of the SessionTranscript), root.der (the issuing authority root)
// and now.txt (the verification time, RFC 3339). Every check the library
// reports must pass: issuer certificate chain, issuer signature, MSO
// validity, device signature, each disclosed item's digest. Then the same
// response with one disclosed value altered must fail. Exit 0 / 1.
import fs from 'node:fs';
import path from 'node:path';

import { loadMdoc, makeContext } from './context.mjs';

const { Verifier } = loadMdoc();
const dir = process.argv[2];
const read = (f) => new Uint8Array(fs.readFileSync(path.join(dir, f)));
const now = new Date(fs.readFileSync(path.join(dir, 'now.txt'), 'utf8').trim());
const response = read('response.cbor');
const transcript = read('transcript.cbor');
const root = read('root.der');
const ctx = makeContext({ now });

async function run(bytes) {
  const checks = [];
  try {
    await new Verifier().verifyDeviceResponse({
      encodedDeviceResponse: bytes,
      encodedSessionTranscript: transcript,
      trustedCertificates: [root],
      now,
      onCheck: (c) => checks.push(c),
    }, ctx);
  } catch (err) {
    checks.push({ status: 'FAILED', category: 'EXCEPTION', check: String(err && err.message) });
  }
  return checks;
}

const checks = await run(response);
for (const c of checks) console.log(`${c.status} ${c.category}: ${c.check}${c.reason && c.status !== 'PASSED' ? ' (' + c.reason + ')' : ''}`);
const failed = checks.filter((c) => c.status === 'FAILED');
const cats = new Set(checks.filter((c) => c.status === 'PASSED').map((c) => c.category));
let ok = failed.length === 0;
for (const need of ['DOCUMENT_FORMAT', 'ISSUER_AUTH', 'DEVICE_AUTH', 'DATA_INTEGRITY']) {
  if (!cats.has(need)) { console.log(`MISSING: no passed ${need} check`); ok = false; }
}
const need = ['Issuer certificate must be valid', 'Issuer signature must be valid',
  'Device signature must be valid', 'The MSO must be valid at the time of verification'];
for (const n of need) {
  if (!checks.some((c) => c.status === 'PASSED' && c.check === n)) { console.log(`MISSING: ${n}`); ok = false; }
}
console.log(`amana response: ${checks.length} checks, ${failed.length} failed`);

// Tampering: the last byte of the first disclosed element value's text
// ("elementValue" is followed by the value) changed; the digest check (or
// the parser) must fail.
const marker = Buffer.from('elementValue');
const at = Buffer.from(response).indexOf(marker);
if (at < 0) { console.log('no elementValue in the response'); process.exit(1); }
const bad = Uint8Array.from(response);
bad[at + marker.length + 2] ^= 0x01;
const badChecks = await run(bad);
const badFailed = badChecks.filter((c) => c.status === 'FAILED');
console.log(`tampered response: ${badFailed.length} failed checks` +
  (badFailed[0] ? ` (first: ${badFailed[0].check})` : ''));
if (badFailed.length === 0) ok = false;

// The same response checked against another session's transcript: the
// device signature must fail (the response is bound to this request).
const otherTranscript = Uint8Array.from(transcript);
otherTranscript[otherTranscript.length - 1] ^= 0x01;
const replay = [];
try {
  await new Verifier().verifyDeviceResponse({
    encodedDeviceResponse: response, encodedSessionTranscript: otherTranscript,
    trustedCertificates: [root], now, onCheck: (c) => replay.push(c),
  }, ctx);
} catch (err) {
  replay.push({ status: 'FAILED', check: String(err && err.message) });
}
const replayFailed = replay.filter((c) => c.status === 'FAILED').map((c) => c.check);
console.log(`other session: ${replayFailed.length} failed checks (${replayFailed.join('; ')})`);
if (!replayFailed.includes('Device signature must be valid')) ok = false;
process.exit(ok ? 0 : 1);
