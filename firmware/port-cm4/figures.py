#!/usr/bin/env python3
"""figures.py ELF...: flash, RAM and worst-case stack of Cortex-M4 images.

For each image: arm-none-eabi-size (flash = text + data, static RAM =
data + bss, against the 192 KiB code flash and 64 KiB RAM of cm4.ld), the
heap check (no allocator symbol in the link map) and stack_report.py's
static worst case. Prints "figure: ..." lines; exit 1 if an image has a heap
or an unbounded frame, 77 (skip) if arm-none-eabi-size is missing.
"""
import os
import re
import shutil
import subprocess
import sys

FLASH = 192 * 1024
RAM = 64 * 1024
GUARD = 2048  # startup.c: the MPU guard between .bss and the stack


def usable_stack(elf):
    """Bytes between the MPU guard's top and the top of RAM."""
    out = subprocess.run(['arm-none-eabi-nm', elf], check=True,
                         capture_output=True, text=True).stdout
    sym = {f[2]: int(f[0], 16) for f in (l.split() for l in out.splitlines())
           if len(f) == 3}
    guard = (sym['cm4_bss_end'] + GUARD - 1) // GUARD * GUARD
    return sym['cm4_stack_top'] - guard - GUARD


def main():
    if shutil.which('arm-none-eabi-size') is None:
        print('SKIP: arm-none-eabi-size not found')
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    rc = 0
    for elf in sys.argv[1:]:
        if elf == 'none' or not os.path.exists(elf):
            print(f'SKIP: image {elf} not built')
            return 77
        name = os.path.basename(elf).rsplit('.', 1)[0]
        out = subprocess.run(['arm-none-eabi-size', '-B', elf], check=True,
                             capture_output=True, text=True).stdout
        text, data, bss = (int(v) for v in out.splitlines()[1].split()[:3])
        print(f'figure: cm4 {name} flash_bytes {text + data} of {FLASH} '
              f'({100 * (text + data) / FLASH:.0f}%)')
        usable = usable_stack(elf)
        print(f'figure: cm4 {name} ram_static_bytes {data + bss} of {RAM} '
              f'({100 * (data + bss) / RAM:.0f}%); stack above the MPU guard: '
              f'{usable} bytes')
        with open(elf + '.map', encoding='utf-8', errors='replace') as f:
            linked = f.read()
        linked = linked[linked.find('Linker script and memory map'):]
        heap = re.findall(r'\b(_?(?:malloc|calloc|realloc|free)(?:_r)?)\b\s*$',
                          linked, re.M)
        if heap or '_sbrk' in linked:
            print(f'cm4 {name}: heap symbols linked: {sorted(set(heap))}')
            rc = 1
        else:
            print(f'figure: cm4 {name} heap none (allocator wrapped, not linked)')
        r = subprocess.run([sys.executable, os.path.join(here, 'stack_report.py'),
                            elf + '.map', os.path.dirname(elf)],
                           capture_output=True, text=True)
        for line in r.stdout.splitlines():
            print(line.replace('figure: ', f'figure: cm4 {name} ', 1))
            m = re.match(r'figure: stack_worst_case_bytes (\d+)', line)
            if m and int(m.group(1)) > usable:
                print(f'cm4 {name}: worst-case stack exceeds the {usable} usable bytes')
                rc = 1
        rc = rc or r.returncode
    return rc


if __name__ == '__main__':
    sys.exit(main())
