"""Pausing Python's cyclic garbage collector around bulk work on big lists."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building 100,000s of small objects (entries, parsed items, detection
    keys) otherwise triggers it over and over, each pass walking everything built so far, which made such steps
    grow faster than the list. Nothing they build holds a reference cycle: reference counting frees it all."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
