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
are merged, which errs on the deep side. A cycle in that graph (recursion,
or callbacks that may reach each other) counts each member's frame once. C library functions have no .ci file and count 0
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

    def callees(t):
        targets = set(edges.get(t, ()))
        if '__indirect_call' in targets:
            targets.discard('__indirect_call')
            known = KNOWN_INDIRECT.get(short(t))
            if known is None:
                targets.update(candidates)
            else:
                targets.update(c for c in frames if short(c) in known)
        return sorted(d for d in targets if d in frames)  # libc: no frame

    roots = [t for t in frames if short(t) == entry]
    if not roots:
        print(f'stack_report: entry {entry} not found')
        return 1

    # Strongly connected components (Tarjan, iterative): a cycle of calls
    # (recursion, or indirect calls that may reach each other) counts every
    # member's frame once, so the result does not depend on visiting order.
    index, low, comp, stack, onstack = {}, {}, {}, [], set()
    sccs = []
    counter = [0]
    for root in roots:
        if root in index:
            continue
        work = [(root, iter(callees(root)))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        onstack.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    onstack.add(w)
                    work.append((w, iter(callees(w))))
                elif w in onstack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                members = []
                while True:
                    w = stack.pop()
                    onstack.discard(w)
                    comp[w] = len(sccs)
                    members.append(w)
                    if w == v:
                        break
                sccs.append(sorted(members))
    # Tarjan emits components callees-first: one pass gives the deepest path.
    best = []
    for i, members in enumerate(sccs):
        own = sum(frames[m] for m in members)
        deeper = (0, -1)
        for m in members:
            for d in callees(m):
                j = comp[d]
                if j != i and best[j][0] > deeper[0]:
                    deeper = (best[j][0], j)
        best.append((own + deeper[0], deeper[1]))
    recursion = [m for ms in sccs if len(ms) > 1 for m in ms]
    total = best[comp[roots[0]]][0]
    path, j = [], comp[roots[0]]
    while j >= 0:
        path.append('+'.join(short(m) for m in sccs[j]) +
                    f'({sum(frames[m] for m in sccs[j])})')
        j = best[j][1]
    print(f'figure: stack_worst_case_bytes {total}')
    print('worst path: ' + ' -> '.join(path))
    if recursion:
        print('cycles (each frame counted once): ' +
              ', '.join(sorted({short(m) for m in recursion})))
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
