"""Raw responses: ``client.with_raw_response.numbers.get(...)`` and the like.

Each raw method is derived from its ``AsyncNumbers`` twin (same parameters and
docstring) and runs it over a transport that keeps the last response's metadata, so
``RawResponse.parse()`` gives exactly what the plain call returns.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

import attrs
from multidict import CIMultiDict, CIMultiDictProxy

from virtnum._errors import ResponseValidationError
from virtnum._http.payload import Payload

__all__ = ["RawResource", "RawResponse", "raw"]

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A")


@attrs.frozen
class RawResponse(Generic[R]):
    """What the server answered (the last request, when a call makes two), and
    ``parse()``: the value the plain call returns (or the error it raises)."""

    status: int
    headers: CIMultiDictProxy[str] = attrs.field(repr=False)
    """As HTTP has them: case-insensitive, a repeated header keeping every value."""
    request_id: str | None
    attempts: int
    elapsed: float
    content: bytes = attrs.field(repr=False)
    _parsed: R | None = attrs.field(repr=False, alias="parsed")
    _error: ResponseValidationError | None = attrs.field(repr=False, alias="error")

    def parse(self) -> R:
        """The model(s) the plain call returns; ResponseValidationError if the body is
        not what the API promises (the good records in its ``partial``)."""
        if self._error is not None:
            raise self._error
        return self._parsed  # type: ignore[return-value]


class _Capture:
    """A transport stand-in that sends through the real one and keeps the last body."""

    def __init__(self, transport: Any) -> None:
        self._transport = transport
        self.config = transport.config
        self.last: Payload | None = None

    async def request(self, *args: Any, **kwargs: Any) -> Payload:
        self.last = await self._transport.request(*args, **kwargs)
        return self.last


class RawResource(Generic[A]):
    """A resource whose methods return ``RawResponse``; ``make`` builds the async resource
    over a given transport."""

    def __init__(self, transport: Any, make: Callable[[Any], A]) -> None:
        self._transport = transport
        self._make = make


def raw(
    method: Callable[Concatenate[A, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[RawResource[A], P], Coroutine[Any, Any, RawResponse[R]]]:
    """The raw-response twin of an async method that makes one request."""

    @functools.wraps(method)
    async def run(self: RawResource[A], /, *args: P.args, **kwargs: P.kwargs) -> RawResponse[R]:
        capture = _Capture(self._transport)
        parsed: R | None = None
        error: ResponseValidationError | None = None
        try:
            parsed = await method(self._make(capture), *args, **kwargs)
        except ResponseValidationError as exc:
            if capture.last is None:
                raise
            error = exc
        payload = capture.last
        assert payload is not None, "a raw method makes a request"
        return RawResponse(
            status=payload.status,
            headers=_read_only_headers(payload.headers),
            request_id=payload.request_id,
            attempts=payload.attempts,
            elapsed=payload.elapsed,
            content=payload.content,
            parsed=parsed,
            error=error,
        )

    return run


def _read_only_headers(headers: Mapping[str, str]) -> CIMultiDictProxy[str]:
    if isinstance(headers, CIMultiDictProxy):
        return headers  # aiohttp's own: already read-only
    return CIMultiDictProxy(CIMultiDict(headers))
