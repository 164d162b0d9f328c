"""What a Client and its ``with_options`` copies share: per process, the async client,
the own loops of the threads that call it, and the background loop (see ``fork``)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from virtnum._client import AsyncClient
from virtnum._errors import VirtnumError
from virtnum._sync.background import BackgroundLoop
from virtnum._sync.fork import fork_lock, keep_unfinalized
from virtnum._sync.own_loop import CLOSED, LoopPerThread, in_running_loop

__all__ = ["Shared"]

T = TypeVar("T")


class Shared:
    """How to make the async client and, per process, that async client, the loops of
    the threads that call it, and the background loop for calls made inside a running
    loop (started on first need). A fork gets fresh ones there, made lazily; the
    parent's are left alone. All stop when the original client is closed, or when the
    last client sharing them is collected."""

    def __init__(
        self, args: tuple[Any, ...], options: dict[str, Any], made_at: str, first: AsyncClient
    ) -> None:
        self._args, self._options = args, options  # to make the client again after a fork
        self._made_at = made_at
        self._made_in = os.getpid()
        self._async = first
        self._loops = LoopPerThread()
        self._background: BackgroundLoop | None = None
        self.users = 0

    def call(self, func: Callable[..., Coroutine[Any, Any, T]], /, *args: Any, **kwargs: Any) -> T:
        """Run ``func(*args, **kwargs)``: on this thread's own loop, or, from inside a
        running loop (a notebook, a callback), on the background loop."""
        if self._made_in != os.getpid():
            self._after_fork()
        if not in_running_loop():
            return self._loops.run(func, *args, **kwargs)
        return self._background_loop().call(func, *args, **kwargs)

    def client(self) -> AsyncClient:
        """This process's async client."""
        self._after_fork()
        return self._async

    def _background_loop(self) -> BackgroundLoop:
        with fork_lock():
            if self._loops.closed:
                raise VirtnumError(CLOSED)
            if self._background is None:
                self._background = BackgroundLoop()
            return self._background

    def _after_fork(self) -> None:
        if self._made_in == os.getpid():
            return
        with fork_lock():
            if self._made_in != os.getpid():
                keep_unfinalized(self._background, self._loops, self._async)
                self._background = None
                self._loops = LoopPerThread()
                self._async = AsyncClient(*self._args, **self._options)
                self._made_in = os.getpid()

    def join(self) -> None:
        with fork_lock():
            self.users += 1

    def release(self) -> None:
        """One sharing client is gone; the last one stops the loops."""
        with fork_lock():
            self.users -= 1
            last = self.users <= 0
        if not last:
            return
        forgotten = not self.closed and self._made_in == os.getpid()
        self.close()  # before warning: the warning may be turned into an exception
        if forgotten:
            warnings.warn(
                f"a virtnum Client made at {self._made_at} was never closed; use "
                "`with Client(...) as client:` or call client.close()",
                ResourceWarning,
                stacklevel=2,
            )

    def close(self) -> None:
        if self._made_in != os.getpid():
            return
        self._loops.close()
        with fork_lock():
            background = self._background
        if background is not None:
            background.shutdown(self._async)  # closes the client on its loop
        else:
            self._async._transport.mark_closed()

    @property
    def closed(self) -> bool:
        return self._made_in == os.getpid() and self._loops.closed
