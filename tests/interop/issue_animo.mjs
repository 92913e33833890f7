// issue_animo.mjs DIR: @animo-id/mdoc issues a worker identity mdoc with an
// Ed25519 issuer key and an Ed25519 device key, and answers an amana request
// with a DeviceResponse that our verifier must accept.
// DIR holds ds.der (the document-signer certificate amana made), ds.sk (its
// libsodium secret key: seed || public key), transcript.cbor (the request's
// SessionTranscriptBytes, #6.24 wrapped), wanted.txt (one "namespace
// element" per line: what the request asks for) and now.txt (RFC 3339).
// Writes DIR/response.cbor.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { loadMdoc, makeContext } from './context.mjs';

const { Document, MDoc, DeviceResponse, DeviceRequest, DateOnly } = loadMdoc();
const dir = process.argv[2];
const read = (f) => fs.readFileSync(path.join(dir, f));
const now = new Date(read('now.txt').toString().trim());
const ctx = makeContext({ now });
const b64u = (b) => Buffer.from(b).toString('base64url');

const dsSk = read('ds.sk');
if (dsSk.length !== 64) throw new Error('ds.sk must be 64 bytes');
const issuerJwk = { kty: 'OKP', crv: 'Ed25519', x: b64u(dsSk.subarray(32)), d: b64u(dsSk.subarray(0, 32)) };

const device = crypto.generateKeyPairSync('ed25519');
const deviceJwk = device.privateKey.export({ format: 'jwk' });
const devicePub = device.publicKey.export({ format: 'jwk' });

const docType = 'org.amana.worker.identity.1';
const ns = docType;
const claims = {
  family_name: 'Rahman',
  given_name: 'Nasrin',
  birth_date: new DateOnly('1994-03-12'),
  nationality: 'BGD',
  sex: 2,
  id_document_type: 'passport',
  id_document_number: 'EB0123456',
  id_document_issuer: 'Department of Immigration and Passports',
  verification_level: 2,
  verification_date: new DateOnly('2026-10-01'),
  verified_by: 'Migrant Workers Support NGO',
};

const issued = await new Document(docType, ctx)
  .addIssuerNameSpace(ns, claims)
  .addDeviceKeyInfo({ deviceKey: devicePub })
  .addValidityInfo({ signed: now, validFrom: now, validUntil: new Date(now.getTime() + 365 * 86400e3) })
  .sign({ issuerPrivateKey: issuerJwk, issuerCertificate: new Uint8Array(read('ds.der')), alg: 'EdDSA' }, ctx);

const wanted = new Map();
for (const line of read('wanted.txt').toString().split('\n')) {
  const [wns, id] = line.trim().split(/\s+/);
  if (!id) continue;
  if (!wanted.has(wns)) wanted.set(wns, new Map());
  wanted.get(wns).set(id, false);
}
const request = DeviceRequest.from('1.0', [{ itemsRequestData: { docType, nameSpaces: wanted } }]);

const mdoc = await DeviceResponse.from(new MDoc([issued]))
  .usingDeviceRequest(request)
  .usingSessionTranscriptBytes(new Uint8Array(read('transcript.cbor')))
  .authenticateWithSignature(deviceJwk, 'EdDSA')
  .sign(ctx);
const out = mdoc.encode();
fs.writeFileSync(path.join(dir, 'response.cbor'), out);
console.log(`@animo-id/mdoc issued and presented ${[...wanted.values()].reduce((n, m) => n + m.size, 0)} elements: ${out.length} bytes`);
