"""Process tuning for a numerics-heavy desktop app: the allocator and the GIL.

Allocator: tune glibc's malloc for a process that allocates many mid-sized
numpy temporaries.

A chain refresh allocates dozens of 10-100 kB arrays and frees them again.
glibc's defaults return the freed top of the heap to the kernel (trim at
128 kB) and re-fault those pages on the next refresh; that page-fault
traffic can cost more than the arithmetic itself (measured: price + greeks
for 10,000 options 2.5x slower). Keeping freed memory in the process for
reuse removes it. No effect on other platforms or C libraries.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

M_TRIM_THRESHOLD = -1
M_TOP_PAD = -2
M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD_BYTES = 256 << 20
TOP_PAD_BYTES = 64 << 20
MMAP_THRESHOLD_BYTES = 32 << 20  # glibc's maximum; larger blocks still come from mmap


def tune_malloc() -> bool:
    """Keep freed heap memory for reuse (glibc only); return True when applied."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False  # not glibc (e.g. musl): nothing to tune
    applied = all(
        mallopt(option, value) == 1
        for option, value in (
            (M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES),
            (M_TOP_PAD, TOP_PAD_BYTES),
            (M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES),
        )
    )
    if not applied:
        log.info("malloc tuning was refused by the C library")
    return applied


GUI_SWITCH_INTERVAL = 0.001  # seconds


def responsive_gil() -> None:
    """Let the GUI thread take the GIL back within 1 ms (Python's default is 5 ms).

    Chains are analysed on worker threads; between numpy calls they hold the
    GIL, and the GUI thread waits for the next switch to paint or to run a
    timer. A shorter switch interval keeps the window responsive at a small
    cost in worker throughput.
    """
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)
