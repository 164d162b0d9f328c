"""Pausing Python's cyclic garbage collector while a large response becomes objects.

Decoding and structuring a big list creates millions of objects and no cycles; the
collector would scan them again and again for nothing (about half the time of a
100,000-record list). It is re-enabled at once afterwards, and left alone if the
caller had disabled it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc(large: bool) -> Iterator[None]:
    """Disable the collector for the block when ``large`` and it is currently enabled."""
    if not (large and gc.isenabled()):
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
