"""Blocking twins of async resource methods, derived from them instead of written again.

``name = blocking(AsyncResource.name)`` gives a method with the async one's parameters,
annotations, overloads (for type checkers) and docstring that runs the coroutine through
the client's bridge in one hop. The bridge itself (the event-loop thread) is ``_sync``'s.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar

from virtnum.resources._pagination import PageIterator

__all__ = ["BlockingResource", "Bridge", "blocking", "blocking_iter"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
A = TypeVar("A")


class Bridge(Protocol):
    """Runs ``func(*args, **kwargs)`` on the client's event loop and waits for it."""

    def __call__(
        self, func: Callable[..., Coroutine[Any, Any, T]], /, *args: Any, **kwargs: Any
    ) -> T: ...


class BlockingResource(Generic[A]):
    """A blocking resource: the bridge, and where to find the async resource whose
    methods it runs (asked at each call: after a fork the client makes a new one)."""

    def __init__(self, bridge: Bridge, twin: Callable[[], A]) -> None:
        self._bridge = bridge
        self._twin = twin


def blocking(
    method: Callable[Concatenate[A, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[BlockingResource[A], P], R]:
    """The blocking twin of an async method of the resource ``A``."""

    @functools.wraps(method)
    def run(self: BlockingResource[A], /, *args: P.args, **kwargs: P.kwargs) -> R:
        result: R = self._bridge(method, self._twin(), *args, **kwargs)
        return result

    return run


def blocking_iter(
    method: Callable[Concatenate[A, P], AsyncIterator[T]],
    pages: Callable[Concatenate[A, P], PageIterator[T]],
) -> Callable[Concatenate[BlockingResource[A], P], Iterator[T]]:
    """The blocking twin of an async iterator method: a lazy iterator that makes one
    bridge hop per page (``pages`` takes the same arguments), never one per item."""

    @functools.wraps(method)
    def run(self: BlockingResource[A], /, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        return _items(self._bridge, pages(self._twin(), *args, **kwargs))

    async_signature = inspect.signature(method)
    returns = str(async_signature.return_annotation).replace("AsyncIterator[", "Iterator[", 1)
    run.__signature__ = async_signature.replace(return_annotation=returns)  # type: ignore[attr-defined]
    return run


def _items(bridge: Bridge, pages: PageIterator[T]) -> Iterator[T]:
    try:
        while True:
            try:
                page = bridge(pages.__anext__)
            except StopAsyncIteration:
                return
            yield from page
    finally:
        pages.stop()
