"""A record's fields as output cells, fast: for each model class the kind of every field
is read once from its annotations, so a row is one ``attrgetter`` call plus a fix for
the few fields a format cannot write as they are (flags in CSV, lists of numbers)."""

from __future__ import annotations

import enum
import functools
import json
import operator
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

__all__ = ["Kind", "Target", "cell", "kind_of", "row_maker", "unstructure"]


class Kind(enum.Enum):
    """What a field holds, as far as writing it goes."""

    PLAIN = "plain"  # str, int, a str enum (whose text is its value), or None
    FLAG = "flag"  # bool or None
    NUMBERS = "numbers"  # a list of redirect numbers
    OTHER = "other"  # anything else: written as its JSON


class Target(enum.Enum):
    """Where the cells go: each wants a different form of the same value."""

    JSON = "json"  # JSON values for json.dumps
    CSV = "csv"  # values csv.writer writes as the CLI means them (None as empty)
    TABLE = "table"  # text


def _kind(annotation: Any) -> Kind:
    args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return _kind(args[0]) if len(args) == 1 else Kind.OTHER
    if annotation is bool:
        return Kind.FLAG
    if annotation in (str, int) or (isinstance(annotation, type) and issubclass(annotation, str)):
        return Kind.PLAIN
    item = args[0] if typing.get_origin(annotation) is tuple and args else None
    if isinstance(item, type) and attrs.has(item) and "number" in attrs.fields_dict(item):
        return Kind.NUMBERS
    return Kind.OTHER


@functools.cache
def kind_of(cls: type) -> Mapping[str, Kind]:
    """The kind of each field of the attrs class ``cls``."""
    hints = typing.get_type_hints(cls)
    return types.MappingProxyType({f.name: _kind(hints[f.name]) for f in attrs.fields(cls)})


def unstructure(value: Any) -> Any:
    """``value`` as JSON values, as ``virtnum.to_dict`` gives a model's fields: models
    as objects, tuples as lists, enums as their values (the converter is imported when a
    value first needs it, so that ``virtnum --help`` does not load it)."""
    if attrs.has(type(value)):
        from virtnum import to_dict

        return to_dict(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [unstructure(item) for item in value]
    if isinstance(value, Mapping):
        return {key: unstructure(item) for key, item in value.items()}
    return value


def cell(value: Any, separator: str = ";") -> str:
    """A JSON value as CSV or table text: lists of numbers joined, other JSON compact."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(i, dict) and "number" in i for i in value):
        return separator.join(str(item["number"]) for item in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


_FLAG_TEXT = {True: "true", False: "false", None: ""}


def _numbers(separator: str) -> Callable[[Any], str]:
    return lambda found: separator.join(str(item.number) for item in found)


def _as_json_then_text(separator: str) -> Callable[[Any], str]:
    return lambda value: cell(unstructure(value), separator)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# For each target, how a field of each kind is turned into a cell (None: as it is).
_FIXES: dict[Target, dict[Kind, Callable[[Any], Any] | None]] = {
    Target.JSON: {
        Kind.PLAIN: None,
        Kind.FLAG: None,
        Kind.NUMBERS: unstructure,
        Kind.OTHER: unstructure,
    },
    Target.CSV: {
        Kind.PLAIN: None,
        Kind.FLAG: _FLAG_TEXT.__getitem__,
        Kind.NUMBERS: _numbers(";"),
        Kind.OTHER: _as_json_then_text(";"),
    },
    Target.TABLE: {
        Kind.PLAIN: _text,
        Kind.FLAG: _FLAG_TEXT.__getitem__,
        Kind.NUMBERS: _numbers(", "),
        Kind.OTHER: _as_json_then_text(", "),
    },
}


def row_maker(cls: type, names: Sequence[str], target: Target) -> Callable[[Any], list[Any]]:
    """A function from a ``cls`` record to its cells for ``names`` (fields of ``cls``)."""
    kinds = kind_of(cls)
    wanted = [(i, _FIXES[target][kinds[name]]) for i, name in enumerate(names)]
    fixes = [(i, fix) for i, fix in wanted if fix is not None]
    get = operator.attrgetter(*names)
    if len(names) == 1:
        if fixes:
            only = fixes[0][1]
            return lambda m: [only(get(m))]
        return lambda m: [get(m)]
    if not fixes:
        return lambda m: list(get(m))
    if len(fixes) == len(names):
        every = [fix for _, fix in fixes]
        return lambda m: [fix(value) for fix, value in zip(every, get(m), strict=True)]

    def row(model: Any) -> list[Any]:
        values = list(get(model))
        for i, fix in fixes:
            values[i] = fix(values[i])
        return values

    return row
