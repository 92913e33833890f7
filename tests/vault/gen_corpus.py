#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_vault_parsers (run once; outputs committed):
a manifest body with a document and a record, an empty manifest, a key slot
file, and recovery words."""
import hashlib, os, struct, sys
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'fuzz_vault_parsers')

def s(t): b = t.encode(); return struct.pack('<H', len(b)) + b

def manifest(entries, gc=()):
    b = b'AVM1' + struct.pack('<QQ', 5, 10) + b'\x01' + bytes(range(32))
    for i in range(8):
        b += struct.pack('<BQIIB', 1 if i == 0 else (5 if i == 3 else 0), 1700000000, 3, 262144, 1 if i == 6 else 0)
    b += struct.pack('<I', len(gc)) + b''.join(struct.pack('<Q', g) for g in gc)
    b += struct.pack('<I', len(entries))
    for (i, typ, name, kind) in entries:
        b += struct.pack('<QQQQB', i, 4, 1234, 1700000000, typ) + s(kind) + s(name) + s('P-1') + s('NP') + s('2031') + s('notes')
    return b

def slots():
    b = b'AMVAULT\x01' + struct.pack('<II', 1, 0) + bytes(16) + bytes(range(16)) + bytes(range(32))
    for i in range(8):
        b += bytes([i]) * 16 + struct.pack('<II', 3, 262144) + bytes([40]) + bytes([i + 1]) * 128 + bytes(24) + bytes(64) + bytes(15)
    return b + hashlib.blake2b(b, digest_size=32).digest()

seeds = {
    'manifest-two': manifest([(1, 1, 'passport.jpg', 'passport'), (7, 2, 'mdoc-device-key', 'device-key')], gc=(2, 3)),
    'manifest-empty': manifest([]),
    'slots': slots(),
    'words': b'kifa kasa hono tofa gisi yora vafi kisi gasi dulo yami vasu gudu duta ziru musi fupa poha bodi vino pagi bomo',
}
os.makedirs(out, exist_ok=True)
for k, v in seeds.items():
    with open(os.path.join(out, k), 'wb') as f:
        f.write(v)
