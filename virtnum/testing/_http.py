"""FakeServer's answers: JSON bodies, JSON refusals, ids in paths, and the JSON that
every error becomes (aiohttp's own 404/405/413 pages included)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import msgspec
from aiohttp import web

__all__ = ["Refused", "error", "error_response", "find_number", "json_response", "parse_digits"]

_dumps = msgspec.json.Encoder().encode
_log = logging.getLogger("virtnum.testing")
# Longer digit strings name no number (and int() refuses past 4300 digits).
_MAX_ID_DIGITS = 30


class Refused(Exception):
    """A request the fake server refuses: ``status`` with ``{"error": message}`` and,
    when one field is to blame, its name as ``"field"``."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=_dumps(data), status=status, content_type="application/json", charset="utf-8"
    )


def error(status: int, message: str, **extra: Any) -> web.Response:
    return json_response({"error": message, **extra}, status)


def parse_digits(text: str) -> int | None:
    """The int that ``text`` spells in ASCII digits only (not ``²``, ``١`` or `` 1``),
    else None: ids in paths."""
    if text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS:
        return int(text)
    return None


def find_number(numbers: Mapping[int, dict[str, Any]], request: web.Request) -> dict[str, Any]:
    """The record the path's ``{id}`` names; Refused (404) when there is none."""
    number_id = parse_digits(request.match_info["id"])
    record = None if number_id is None else numbers.get(number_id)
    if record is None:
        raise Refused("virtual number not found", status=404)
    return record


def error_response(exc: Exception, request: web.Request) -> web.Response:
    """The JSON answer to an exception a handler raised: a refusal as it says, aiohttp's
    HTTP errors (no route, wrong method, body too large) with their status and headers,
    and anything else as a 500 that names itself a bug of the fake."""
    if isinstance(exc, Refused):
        extra = {} if exc.field is None else {"field": exc.field}
        return error(exc.status, exc.message, **extra)
    if isinstance(exc, web.HTTPException) and exc.status >= 400:
        where = f"{request.method} {request.path}"[:200]
        response = error(exc.status, f"{exc.reason}: {where}")
        for name, value in exc.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response
    if isinstance(exc, web.HTTPException):
        raise exc
    _log.error("FakeServer failed on %s %.200s", request.method, request.path, exc_info=exc)
    return error(500, f"FakeServer bug (please report it): {type(exc).__name__}")
