"""Response bodies -> models, in one step when the fast path can vouch for the body.

The body comes as anything with the ``Body`` shape (the HTTP layer's ``Payload``), so
decoding knows nothing of the network.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol, TypeVar

import msgspec

from virtnum._decode.converter import CODECS
from virtnum._decode.fast import Fallback
from virtnum._decode.gc import paused_gc
from virtnum._decode.out_of_range import loads
from virtnum._decode.structure import structure_list, structure_one
from virtnum._errors import ResponseValidationError
from virtnum._logs import logger

__all__ = ["Body", "decode_list", "decode_one"]

T = TypeVar("T")
_LARGE_BODY = 1 << 20


class Body(Protocol):
    """What decoding needs of a response: the bytes, the request they answer, and a way
    to show the start of the body with the secrets cut out."""

    @property
    def content(self) -> bytes: ...
    @property
    def method(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def path(self) -> str: ...
    def snippet(self) -> str: ...


def decode_one(payload: Body, cls: type[T], *, expect_id: object = None) -> T:
    """A response body holding one JSON object -> ``cls``, in one step when it can be.

    With ``expect_id``, a record for another id (a mixed-up or stale answer) is refused.
    """
    fast = CODECS[cls].fast
    try:  # not contextlib.suppress: this is the hot path of every get
        model = fast.decode_one(payload.content) if fast is not None else None
    except Fallback:
        model = None
    if model is None:
        model = structure_one(_json(payload), cls, method=payload.method, url=payload.url)
    if expect_id is not None and getattr(model, "id", expect_id) != expect_id:
        raise ResponseValidationError(
            f"{payload.method} {payload.path}: the answer is the record of another number",
            method=payload.method,
            url=payload.url,
            errors=[("$.id", f"expected {expect_id!r}, got another id")],
        )
    return model


def decode_list(payload: Body, cls: type[T]) -> list[T]:
    """A response body holding a JSON array -> ``list[cls]``; bad records are named and
    the good ones kept in ``partial`` of the ResponseValidationError."""
    if not logger.isEnabledFor(logging.DEBUG):
        return _decode_list(payload, cls)
    started = time.perf_counter()
    found = _decode_list(payload, cls)
    elapsed = (time.perf_counter() - started) * 1000
    logger.debug(
        "decoded %d %s records of %s %s in %.1fms",
        *(len(found), cls.__name__, payload.method, payload.path, elapsed),
    )
    return found


def _decode_list(payload: Body, cls: type[T]) -> list[T]:
    fast = CODECS[cls].fast
    if fast is not None:
        try:
            with paused_gc(len(payload.content) > _LARGE_BODY):
                return fast.decode_many(payload.content)
        except Fallback:
            pass
    return structure_list(_json(payload), cls, method=payload.method, url=payload.url)


def _json(payload: Body) -> Any:
    """The body as JSON values; stdlib json last, for what strict parsers refuse (NaN,
    lone surrogates, numbers out of range: ``out_of_range``). Not JSON at all ->
    ResponseValidationError with a redacted snippet."""
    raw = payload.content
    too_deep = False
    with paused_gc(len(raw) > _LARGE_BODY):
        try:
            return msgspec.json.decode(raw)
        except msgspec.DecodeError:
            pass
        except RecursionError:
            too_deep = True
        try:
            return loads(raw)
        except ValueError:
            pass
        except RecursionError:
            too_deep = True
    raise _not_json(payload, too_deep=too_deep)


def _not_json(payload: Body, *, too_deep: bool) -> ResponseValidationError:
    """The error for a body that is not JSON (empty, or a start of it, redacted), or
    that nests deeper than a parser can follow."""
    if too_deep:
        problem, short = "the JSON is nested too deeply to decode", "nested too deeply"
    elif not payload.content.strip():
        problem, short = "the body is empty", "empty body"
    else:
        problem, short = f"not JSON: {payload.snippet()[:200]!r}", "invalid JSON"
    return ResponseValidationError(
        f"{payload.method} {payload.path}: {problem}",
        method=payload.method,
        url=payload.url,
        errors=[("$", short)],
    )
