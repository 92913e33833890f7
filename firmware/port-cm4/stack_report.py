#!/usr/bin/env python3
"""stack_report.py: worst-case stack of a Cortex-M4 image from GCC's
-fcallgraph-info=su files (one .ci per object, written by the Makefile).

Usage: stack_report.py ELF_MAP OUT_DIR [ENTRY]
  ELF_MAP  the image's linker map (only functions linked into it count)
  OUT_DIR  where the .ci files are (searched recursively)
  ENTRY    root of the call graph (default cm4_reset)

The worst case is the deepest path of frame sizes from ENTRY. An indirect
call (the HAL table, store callbacks, mbedTLS's md and cipher wrappers) may
reach any linked function whose address is taken: one referenced by a
relocation other than a call or tail call in some object's code or data
(arm-none-eabi-readelf -r). Same-named static functions of different files
are merged, which errs on the deep side. C library functions have no .ci file and count 0
bytes: newlib-nano's mem*/str* use a few words. Recursion is reported and
cut. Prints "figure: stack_worst_case_bytes N", the path and the largest
frames. Exit 0, or 1 if a frame is dynamic (alloca/VLA).
"""
import collections
import os
import re
import subprocess
import sys

CALL_RELOCS = {'R_ARM_THM_CALL', 'R_ARM_THM_JUMP24', 'R_ARM_THM_JUMP19',
               'R_ARM_CALL', 'R_ARM_JUMP24'}


def address_taken(outdir):
    """Names of functions whose address some object takes."""
    taken = set()
    objs = [os.path.join(r, n) for r, _, ns in os.walk(outdir) for n in ns
            if n.endswith('.o')]
    if not objs:
        return taken
    out = subprocess.run(['arm-none-eabi-readelf', '-rW'] + objs,
                         capture_output=True, text=True).stdout
    keep = False
    for line in out.splitlines():
        if line.startswith('Relocation section'):
            sec = line.split("'")[1]
            keep = not sec.startswith(('.rel.debug', '.rel.ARM'))
            continue
        f = line.split()
        if not keep or len(f) < 5 or not f[2].startswith('R_ARM_'):
            continue
        if f[2] in CALL_RELOCS:
            continue
        sym = f[4]
        taken.add(sym[len('.text.'):] if sym.startswith('.text.') else sym)
    return taken

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
SIZE = re.compile(r'\\n(\d+) bytes \(([a-z,]+)\)')


# Indirect calls whose targets are known, by caller: mbedTLS zeroizes
# through a volatile pointer to memset, and allocates through pointers that
# cm4_crypto_arena_init() aims at memory_buffer_alloc.
KNOWN_INDIRECT = {
    'mbedtls_platform_zeroize': [],
    'mbedtls_calloc': ['buffer_alloc_calloc'],
    'mbedtls_free': ['buffer_alloc_free'],
}


def short(title):
    return title.rsplit(':', 1)[-1] if ':' in title else title


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    mapfile, outdir = sys.argv[1], sys.argv[2]
    entry = sys.argv[3] if len(sys.argv) > 3 else 'cm4_reset'
    linked = set()
    with open(mapfile, encoding='utf-8', errors='replace') as f:
        text = f.read()
    # Only what was linked: the part after the discarded-sections list.
    text = text[text.find('Linker script and memory map'):]
    for m in re.finditer(
            r'\.text\.(?:(?:startup|unlikely|hot)\.)?([A-Za-z_][A-Za-z0-9_]*)', text):
        linked.add(m.group(1))
    frames, kinds, edges = {}, {}, collections.defaultdict(set)
    for root, _, names in os.walk(outdir):
        for n in names:
            if not n.endswith('.ci'):
                continue
            with open(os.path.join(root, n), encoding='utf-8') as f:
                text = f.read()
            for title, label in NODE.findall(text):
                m = SIZE.search(label)
                if m:
                    frames[title] = int(m.group(1))
                    kinds[title] = m.group(2)
            for src, dst in EDGE.findall(text):
                edges[src].add(dst)
    # A static function's title is "file:name"; a global's is its name.
    frames = {t: s for t, s in frames.items() if short(t) in linked}
    taken = address_taken(outdir)
    candidates = [t for t in frames if short(t) in taken and short(t) != entry]

    memo, onstack, recursion = {}, set(), set()

    def depth(t):
        if t in memo:
            return memo[t]
        if t in onstack:
            recursion.add(short(t))
            return (0, [])
        onstack.add(t)
        best = (0, [])
        targets = set(edges.get(t, ()))
        if '__indirect_call' in targets:
            targets.discard('__indirect_call')
            known = KNOWN_INDIRECT.get(short(t))
            if known is None:
                targets.update(candidates)
            else:
                targets.update(c for c in frames if short(c) in known)
        for d in targets:
            if d not in frames:
                continue  # C library or not linked
            got = depth(d)
            if got[0] > best[0]:
                best = got
        onstack.discard(t)
        r = (frames.get(t, 0) + best[0], [t] + best[1])
        memo[t] = r
        return r

    roots = [t for t in frames if short(t) == entry]
    if not roots:
        print(f'stack_report: entry {entry} not found')
        return 1
    total, path = depth(roots[0])
    # cm4_reset calls main via a tail position the .ci records as an edge.
    print(f'figure: stack_worst_case_bytes {total}')
    print('worst path: ' + ' -> '.join(f'{short(t)}({frames[t]})' for t in path))
    if recursion:
        print('recursion cut at: ' + ', '.join(sorted(recursion)))
    top = sorted(frames.items(), key=lambda kv: -kv[1])[:8]
    print('largest frames: ' + ', '.join(f'{short(t)} {s}' for t, s in top))
    dyn = [short(t) for t, k in kinds.items() if t in frames and 'dynamic' in k
           and 'bounded' not in k]
    if dyn:
        print('dynamic frames (unbounded): ' + ', '.join(dyn))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
