"""Pausing Python's cyclic garbage collector around bulk work on big lists."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# Set by the command line (lcllm_cli.__main__), whose process runs one command and ends: what a bulk step builds
# (the list, its detection keys) then lives until the end, and is frozen when the step ends (gc.freeze), so that the
# collector never walks it. Each walk of a 100,000-entry list costs 0.05-0.1 s, and one happened after every step:
# 0.2-0.4 s of each command at 100k. Off for library use: freezing would keep any cyclic garbage of the host
# program for good. The same flag makes keep() hold what it is given.
FREEZE_AFTER = False
_KEPT: list[object] = []


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building 100,000s of small objects (entries, parsed items, detection
    keys) otherwise triggers it over and over, each pass walking everything built so far, which made such steps
    grow faster than the list. Nothing they build holds a reference cycle: reference counting frees it all.
    With :data:`FREEZE_AFTER`, what exists when the outermost pause ends is frozen."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if FREEZE_AFTER:
                gc.freeze()
            gc.enable()


def keep(*objects: object) -> None:
    """In a process that runs one command and ends (:data:`FREEZE_AFTER`), hold ``objects`` until it exits, which it
    does without freeing anything: a read list or its detection keys, freed object by object when the function
    holding them returns, cost a 10,000-entry ``dedupe --dry-run`` 9% of its time, for nothing. Only for what
    lives to the end of the command anyway, or nearly: what is kept is never given back. Otherwise a no-op."""
    if FREEZE_AFTER:
        _KEPT.extend(objects)
