"""The progress bar of a command over many ids or rows: on stderr, and only on a
terminal (pipes stay clean)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["ProgressCallback", "progress"]

ProgressCallback = Callable[[int, int], None]


@contextmanager
def progress(label: str, total: int) -> Iterator[ProgressCallback | None]:
    """An ``on_progress(done, total)`` drawing a bar on stderr when it is a terminal and
    there is more than one step; ``None`` otherwise (pipes stay clean)."""
    if not sys.stderr.isatty() or total < 2:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, _: bar.update(task, completed=done)
