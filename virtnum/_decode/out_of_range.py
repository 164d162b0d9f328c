"""JSON numbers that cannot be a Python number, kept as the text the server sent.

A number beyond float range (``1e400``) or an integer with more digits than Python
converts (``sys.get_int_max_str_digits()``, 4,300 by default) makes msgspec refuse the
whole body, and the stdlib's json reads it as ``inf`` (lossy) or raises. Here such a
number becomes an ``OutOfRange``, a str of its original text: a known field refuses it
by JSON path, and ``extra`` keeps it as a plain ``str`` (``"1e400"``), exactly as sent.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["OutOfRange", "loads", "plain_json"]


class OutOfRange(str):
    """The text of a JSON number that cannot be a Python int or float."""

    __slots__ = ()


def _float(text: str) -> float | OutOfRange:
    value = float(text)
    return value if value - value == 0 else OutOfRange(text)  # inf - inf is nan


def _int(text: str) -> int | OutOfRange:
    try:
        return int(text)
    except ValueError:  # more digits than Python converts
        return OutOfRange(text)


def loads(raw: bytes | str) -> Any:
    """The stdlib's json (it also takes NaN and lone surrogates), such numbers kept as
    ``OutOfRange``; ValueError when ``raw`` is not JSON."""
    return json.loads(raw, parse_float=_float, parse_int=_int)


def plain_json(value: Any) -> Any:
    """``value`` with every ``OutOfRange`` in it made a plain str: what ``extra`` holds
    must be JSON types that any encoder (msgspec's too) can write back."""
    kind = type(value)
    if kind is OutOfRange:
        return str(value)
    if kind is dict:
        return {key: plain_json(item) for key, item in value.items()}
    if kind is list:
        return [plain_json(item) for item in value]
    return value
