// context.mjs: the crypto context @animo-id/mdoc needs, written on node:crypto
// only (Node 18 or later: Ed25519, P-256, X509Certificate, JWK import and
// export). Used by both interop directions (docs/0403-interop.md).
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';

// The package lives in the npm cache that tools/setup.d/40-interop-npm fills,
// never in the source tree: load it from there.
export function loadMdoc() {
  const dir = process.env.AMANA_NPM_INTEROP;
  if (!dir) throw new Error('AMANA_NPM_INTEROP is not set');
  const require = createRequire(path.join(dir, 'package.json'));
  return require('@animo-id/mdoc');
}

const DIGESTS = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const ECDSA_HASH = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };

// Only the members Node's JWK import knows (the library adds kid, alg...).
function jwkKey(jwk, isPrivate) {
  const clean = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  if (jwk.y !== undefined) clean.y = jwk.y;
  if (isPrivate) clean.d = jwk.d;
  return isPrivate ? crypto.createPrivateKey({ key: clean, format: 'jwk' })
                   : crypto.createPublicKey({ key: clean, format: 'jwk' });
}

function sign(alg, data, key) {
  if (alg === 'EdDSA') return crypto.sign(null, data, key);
  const hash = ECDSA_HASH[alg];
  if (!hash) throw new Error(`unsupported alg ${alg}`);
  // COSE carries ECDSA signatures as r || s, not DER.
  return crypto.sign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
}

function verify(alg, data, key, sig) {
  if (alg === 'EdDSA') return crypto.verify(null, data, key, sig);
  const hash = ECDSA_HASH[alg];
  if (!hash) return false;
  return crypto.verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
}

// Distinguished name fields of a certificate's subject ("C", "ST", "CN").
function nameField(subject, field) {
  return subject.split('\n').filter((l) => l.startsWith(field + '='))
    .map((l) => l.slice(field.length + 1));
}

function cert(der) {
  return new crypto.X509Certificate(Buffer.from(der));
}

function checkValidity(c, now) {
  if (now < new Date(c.validFrom) || now > new Date(c.validTo))
    throw new Error(`certificate ${c.subject.replace(/\n/g, ', ')} not valid at ${now.toISOString()}`);
}

export function makeContext({ now = new Date() } = {}) {
  return {
    crypto: {
      random: (n) => new Uint8Array(crypto.randomBytes(n)),
      digest: ({ digestAlgorithm, bytes }) => {
        const h = DIGESTS[digestAlgorithm];
        if (!h) throw new Error(`unsupported digest ${digestAlgorithm}`);
        return new Uint8Array(crypto.createHash(h).update(bytes).digest());
      },
      // Only for MAC device authentication (ECDH-derived key), which amana
      // does not use: amana signs with the device key.
      calculateEphemeralMacKeyJwk: () => {
        throw new Error('MAC device authentication is not used by amana');
      },
    },
    cose: {
      sign1: {
        sign: ({ sign1, jwk }) => {
          const { data, alg } = sign1.getRawSigningData();
          return new Uint8Array(sign(alg, data, jwkKey(jwk, true)));
        },
        verify: ({ sign1, jwk, options }) => {
          const { data, alg, signature } = sign1.getRawVerificationData(options);
          return verify(alg, data, jwkKey(jwk, false), signature);
        },
      },
      mac0: {
        sign: () => { throw new Error('COSE_Mac0 is not used by amana'); },
        verify: () => { throw new Error('COSE_Mac0 is not used by amana'); },
      },
    },
    x509: {
      getIssuerNameField: ({ certificate, field }) => nameField(cert(certificate).subject, field),
      getPublicKey: ({ certificate }) => cert(certificate).publicKey.export({ format: 'jwk' }),
      // The chain, leaf first, must end in a certificate issued and signed
      // by one of the trusted roots; every link valid at `now`.
      validateCertificateChain: ({ trustedCertificates, x5chain }) => {
        const chain = x5chain.map(cert);
        const roots = trustedCertificates.map(cert);
        for (let i = 0; i + 1 < chain.length; i++) {
          if (!chain[i].checkIssued(chain[i + 1]) || !chain[i].verify(chain[i + 1].publicKey))
            throw new Error(`x5chain[${i}] is not signed by x5chain[${i + 1}]`);
        }
        chain.forEach((c) => checkValidity(c, now));
        const last = chain[chain.length - 1];
        const root = roots.find((r) => last.checkIssued(r) && last.verify(r.publicKey));
        if (!root) throw new Error('x5chain does not lead to a trusted root');
        if (!root.ca) throw new Error('the trusted root is not a CA certificate');
        checkValidity(root, now);
      },
      getCertificateData: ({ certificate }) => {
        const c = cert(certificate);
        return {
          issuerName: c.issuer.replace(/\n/g, ', '),
          subjectName: c.subject.replace(/\n/g, ', '),
          serialNumber: c.serialNumber,
          thumbprint: c.fingerprint256.replace(/:/g, '').toLowerCase(),
          notBefore: new Date(c.validFrom),
          notAfter: new Date(c.validTo),
          pem: c.toString(),
        };
      },
    },
  };
}
