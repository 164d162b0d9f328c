"""``Filter``: the API's query language as an immutable, validated builder.

``field=value`` is equality, a repeated parameter means "any of", ``field__ne=value``
means "not equal", and ``_sort``/``_order`` sort. Every value is checked against the
field's type and turned into the exact string that is sent, before any request. A URL
carries any text UTF-8 encodes (NUL and control characters percent-encoded, exactly);
a lone surrogate, which it cannot carry (yarl would drop it), is refused.
"""

from __future__ import annotations

import difflib
import enum
import re
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Self
from urllib.parse import parse_qsl, urlencode

import attrs

from virtnum._errors import InvalidArgumentTypeError
from virtnum._validate import check_utf8, wrong_type
from virtnum.models import VIRTUAL_NUMBER_FIELDS, VirtualNumber

__all__ = ["Filter"]

_OPERATORS = ("ne",)
_INT = re.compile(r"-?[0-9]{1,30}")
_PAGING = {"_page", "_limit"}


def _field_kinds() -> dict[str, type[Any]]:
    """Map each filterable field to the scalar type its values must have."""
    hints = typing.get_type_hints(VirtualNumber)
    kinds: dict[str, type[Any]] = {}
    for name in VIRTUAL_NUMBER_FIELDS:
        args = [a for a in typing.get_args(hints[name]) if a is not type(None)]
        kind = args[0] if isinstance(hints[name], types.UnionType) else hints[name]
        if kind in (int, str, bool) or (isinstance(kind, type) and issubclass(kind, enum.Enum)):
            kinds[name] = kind
    return kinds


_KINDS = _field_kinds()


def _split(key: str) -> tuple[str, str | None]:
    field, sep, operator = key.partition("__")
    if field not in _KINDS:
        known = ", ".join(sorted(_KINDS))
        hint = " (it is a list and cannot be filtered on)" if field in VIRTUAL_NUMBER_FIELDS else ""
        if key == "page_size":
            hint = " (page_size is an argument of numbers.iter() and numbers.pages(), not a filter)"
        raise ValueError(f"filter {key!r}: unknown field {field!r}{hint}; known fields: {known}")
    if sep and operator not in _OPERATORS:
        raise ValueError(
            f"filter {key!r}: unknown operator {operator!r}; supported: equality, "
            + ", ".join(f"__{op}" for op in _OPERATORS)
        )
    return field, operator if sep else None


def _encode(key: str, field: str, value: Any) -> str:
    """Check one value against the field's kind and return the string sent for it."""
    kind = _KINDS[field]
    if value is None:
        raise ValueError(f"filter {key!r}: None is not a value to filter on")
    if isinstance(value, str):
        check_utf8(value, f"filter {key!r}")
    if kind is bool:
        if type(value) is bool:
            return "true" if value else "false"
    elif kind is int:
        if type(value) is int:
            if abs(value) >= 10**30:
                raise ValueError(f"filter {key!r}: integer out of range")
            return str(value)
    elif kind is str:
        if isinstance(value, str) and not isinstance(value, enum.Enum):
            return value
    elif isinstance(value, kind):
        return str(value.value)
    elif isinstance(value, str) and not isinstance(value, enum.Enum):
        if not value:
            raise ValueError(f"filter {key!r}: empty string is not a {kind.__name__}")
        return _known_value(key, kind, value)
    expected = kind.__name__ if kind in (int, str, bool) else f"{kind.__name__} or str"
    raise InvalidArgumentTypeError(
        f"filter {key!r}: expected {expected}, got {type(value).__name__}"
    )


def _known_value(key: str, kind: Any, text: str) -> str:
    """A plain string must be a value the SDK knows (a typo would match nothing): a new
    server value is sent by passing it as a member, ``State("new_value")``."""
    member = kind(text)
    if member.is_known:
        return str(member.value)
    known = [m.value for m in kind.__members__.values()]
    close = difflib.get_close_matches(text, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ValueError(
        f"filter {key!r}: {text[:40]!r} is not a known {kind.__name__}; {hint}"
        f"known: {', '.join(known)} (pass {kind.__name__}({text[:40]!r}) to send it anyway)"
    )


def _decode(key: str, field: str, text: str) -> str:
    """Check one value read from a query string and return it in canonical form."""
    kind = _KINDS[field]
    if kind is bool:
        if text not in ("true", "false"):
            raise ValueError(f"filter {key!r}: expected true or false, got {text[:40]!r}")
        return text
    if kind is int:
        if not _INT.fullmatch(text):
            raise ValueError(f"filter {key!r}: expected an integer, got {text[:40]!r}")
        return str(int(text))
    return _encode(key, field, text)


def _values(key: str, value: Any) -> list[Any]:
    if isinstance(value, (list, tuple, set, frozenset)):
        if not value:
            raise ValueError(f"filter {key!r}: an empty list matches nothing; leave it out")
        for item in value:
            if isinstance(item, (list, tuple, set, frozenset, Mapping)):
                raise InvalidArgumentTypeError(f"filter {key!r}: nested collections")
        return sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
    if isinstance(value, Mapping):
        raise InvalidArgumentTypeError(f"filter {key!r}: a mapping is not a filter value")
    return [value]


def _add(
    conditions: Iterable[tuple[str, str]], new: Iterable[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    merged = list(dict.fromkeys([*conditions, *new]))
    merged.sort(key=lambda pair: pair[0])  # stable: "any of" values keep their order
    return tuple(merged)


@attrs.frozen(repr=False, init=False)
class Filter:
    """Conditions on virtual numbers, in the API's query spelling.

    ``Filter(type=["def", "abc"], state="active").exclude(purpose="not_specified")``
    is ``purpose__ne=not_specified&state=active&type=def&type=abc``.
    """

    _conditions: tuple[tuple[str, str], ...]
    _sort: tuple[tuple[str, str], ...]

    def __init__(self, **where: Any) -> None:
        object.__setattr__(self, "_conditions", _add((), self._encode_where(where)))
        object.__setattr__(self, "_sort", ())

    @staticmethod
    def _encode_where(where: Mapping[str, Any]) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for key, value in where.items():
            field, _ = _split(key)
            pairs.extend((key, _encode(key, field, item)) for item in _values(key, value))
        return pairs

    def _with(self, conditions: Iterable[tuple[str, str]], sort: Any = None) -> Self:
        new = object.__new__(type(self))
        object.__setattr__(new, "_conditions", _add(self._conditions, conditions))
        object.__setattr__(new, "_sort", self._sort if sort is None else sort)
        return new

    def where(self, **where: Any) -> Self:
        """Add equality (or ``field__ne``) conditions; a key given twice means "any of"."""
        return self._with(self._encode_where(where))

    def exclude(self, **where: Any) -> Self:
        """Add "not equal" conditions: ``exclude(purpose=...)`` is ``purpose__ne=...``."""
        for key in where:
            if _split(key)[1] is not None:
                raise ValueError(f"exclude({key}=...): give the plain field name")
        return self._with(self._encode_where({f"{k}__ne": v for k, v in where.items()}))

    def order_by(self, field: str) -> Self:
        """Sort by ``field`` ascending, or descending with a leading ``-``."""
        if not isinstance(field, str):
            raise wrong_type("order_by", "a str", field)
        name, order = (field[1:], "desc") if field.startswith("-") else (field, "asc")
        if _split(name)[1] is not None:
            raise ValueError(f"order_by({field!r}): not a field name")
        return self._with((), (("_sort", name), ("_order", order)))

    @classmethod
    def parse(cls, query: str) -> Filter:
        """Read a query string such as ``purpose__ne=not_specified&type=def&type=abc``;
        a percent-escape that is not UTF-8 is refused, never replaced with U+FFFD."""
        if not isinstance(query, str):
            raise wrong_type("parse", "a str", query)
        pairs: list[tuple[str, str]] = []
        sort: dict[str, str] = {}
        query = query.lstrip("?")
        for key, text in parse_qsl(query, keep_blank_values=True, errors="surrogateescape"):
            if key in ("_sort", "_order"):
                if key in sort:
                    raise ValueError(f"parse: {key} given twice")
                sort[key] = text
            elif key in _PAGING:
                raise ValueError(f"parse: {key} is set by the paginator (use page_size)")
            else:
                pairs.append((key, _decode(key, _split(key)[0], text)))
        result = cls()._with(pairs)
        if sort:
            if "_sort" not in sort or sort.get("_order", "asc") not in ("asc", "desc"):
                raise ValueError("parse: _sort needs a field and _order must be asc or desc")
            prefix = "-" if sort.get("_order") == "desc" else ""
            result = result.order_by(prefix + sort["_sort"])
        return result

    def to_query(self) -> list[tuple[str, str]]:
        """The ``(name, value)`` pairs sent, in a stable order."""
        return [*self._conditions, *self._sort]

    def __str__(self) -> str:
        return urlencode(self.to_query())

    def __repr__(self) -> str:
        return f"Filter.parse({str(self)!r})"

    def __bool__(self) -> bool:
        return bool(self._conditions or self._sort)
