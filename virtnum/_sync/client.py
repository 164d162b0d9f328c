"""``Client``: the blocking facade. It runs AsyncClient's coroutines on the calling
thread's own loop (or the background loop, see ``shared``); its resource methods are
derived from the async ones (``bridge``), so it has no logic of its own."""

from __future__ import annotations

import inspect
import os
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from virtnum._client import AsyncClient
from virtnum._errors import VirtnumError
from virtnum._sync.fork import keep_unfinalized
from virtnum._sync.numbers import BlockingRawNumbers, Numbers
from virtnum._sync.shared import Shared

__all__ = ["Client"]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


def _options_of(
    source: Callable[Concatenate[Any, P], Any],
) -> Callable[[Callable[..., R]], Callable[Concatenate[Any, P], R]]:
    """Give a method taking ``**options`` the exact parameters of ``source`` (for type
    checkers and ``inspect``): a typo such as ``Client(timout=5)`` is then an error."""

    def apply(method: Callable[..., R]) -> Callable[Concatenate[Any, P], R]:
        returns = inspect.signature(method).return_annotation
        method.__signature__ = inspect.signature(source).replace(  # type: ignore[attr-defined]
            return_annotation=returns
        )
        return method

    return apply


class BlockingWithRawResponse:
    """``client.with_raw_response`` of the blocking client."""

    def __init__(self, client: Client) -> None:
        self.numbers = BlockingRawNumbers(
            client._shared.call, lambda: client._async.with_raw_response.numbers
        )


class Client:
    """The blocking client: same arguments and methods as AsyncClient.

    Safe to use from many threads at once and from inside a running event loop
    (a notebook). Close it, or use ``with Client() as client:``.
    """

    _finalizer: weakref.finalize[..., Any]

    @_options_of(AsyncClient.__init__)
    def __init__(self, *args: Any, **options: Any) -> None:
        first = AsyncClient(*args, **options)  # validates before anything starts
        here = inspect.currentframe()
        caller = here.f_back if here is not None else None
        made_at = f"{caller.f_code.co_filename}:{caller.f_lineno}" if caller else "unknown"
        del here, caller  # a frame held by its own locals is a reference cycle
        self._bind(Shared(args, options, made_at, first), {})

    def _bind(self, shared: Shared, changes: dict[str, Any]) -> None:
        self._shared = shared
        self._changes = changes
        self._made_for: tuple[int, AsyncClient] | None = None
        self.numbers = Numbers(shared.call, lambda: self._async.numbers)
        self.with_raw_response = BlockingWithRawResponse(self)
        shared.join()
        self._finalizer = weakref.finalize(self, shared.release)

    @property
    def _async(self) -> AsyncClient:
        """This process's async client (the shared one, or a ``with_options`` copy of it)."""
        made = self._made_for
        if made is not None and made[0] == os.getpid():
            return made[1]
        if made is not None:  # a parent's copy: see fork
            keep_unfinalized(made[1])
        async_client = self._shared.client()
        if self._changes:
            async_client = async_client.with_options(**self._changes)
        self._made_for = (os.getpid(), async_client)
        return async_client

    @property
    def base_url(self) -> str:
        return self._async.base_url

    @_options_of(AsyncClient.with_options)
    def with_options(self, **options: Any) -> Client:
        """See ``AsyncClient.with_options``; the copy shares this client's thread and
        session, and keeps them alive while it is in use. Closing it is a no-op."""
        self._async.with_options(**options)  # checks the options now
        clone = object.__new__(type(self))
        clone._bind(self._shared, {**self._changes, **options})
        clone._is_copy = True
        return clone

    _is_copy = False

    @property
    def is_closed(self) -> bool:
        return self._shared.closed or self._async.is_closed

    def close(self) -> None:
        """Close every thread's session and loop (a call still waiting ends with a
        VirtnumError), and the background thread if one started; idempotent. From a
        copy made by ``with_options``, a no-op."""
        if not self._is_copy:
            self._shared.close()

    def __enter__(self) -> Self:
        if self.is_closed:
            raise VirtnumError("this client is closed; create a new one")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r})"
