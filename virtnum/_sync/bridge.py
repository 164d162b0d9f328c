"""Blocking twins of async resource methods, derived from them instead of written again.

``name = blocking(AsyncResource.name)`` gives a method with the async one's parameters,
annotations, overloads (for type checkers) and docstring that runs the coroutine through
the client's bridge (``Shared.call``) in one hop.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Generator, Iterator
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar

from virtnum.resources._pagination import PageIterator

__all__ = ["BlockingResource", "Bridge", "blocking", "blocking_iter", "blocking_pages"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
A = TypeVar("A")


class Bridge(Protocol):
    """Runs ``func(*args, **kwargs)`` on an event loop and waits for it."""

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

    _returning(run, method, r"AsyncIterator\[(.*)\]", r"Iterator[\1]")
    return run


def blocking_pages(
    method: Callable[Concatenate[A, P], PageIterator[T]],
) -> Callable[Concatenate[BlockingResource[A], P], Iterator[list[T]]]:
    """The blocking twin of a page iterator method: a lazy iterator of pages (lists),
    one bridge hop per page."""

    @functools.wraps(method)
    def run(self: BlockingResource[A], /, *args: P.args, **kwargs: P.kwargs) -> Iterator[list[T]]:
        return _pages(self._bridge, method(self._twin(), *args, **kwargs))

    _returning(run, method, r"PageIterator\[(.*)\]", r"Iterator[list[\1]]")
    return run


def _returning(run: Callable[..., Any], method: Callable[..., Any], old: str, new: str) -> None:
    """Give ``run`` the signature of ``method``, its return annotation (a string: the
    resources use ``from __future__ import annotations``) rewritten from ``old`` to ``new``."""
    async_signature = inspect.signature(method)
    returns = re.fullmatch(old, str(async_signature.return_annotation))
    if returns is None:
        raise TypeError(f"{method.__qualname__} does not return {old!r}")
    annotation = returns.expand(new)
    run.__signature__ = async_signature.replace(return_annotation=annotation)  # type: ignore[attr-defined]


def _items(bridge: Bridge, pages: PageIterator[T]) -> Iterator[T]:
    with contextlib.closing(_pages(bridge, pages)) as each_page:
        for page in each_page:
            yield from page


def _pages(bridge: Bridge, pages: PageIterator[T]) -> Generator[list[T], None, None]:
    try:
        while True:
            try:
                page = bridge(pages.__anext__)
            except StopAsyncIteration:
                return
            yield page
    finally:
        pages.stop()
