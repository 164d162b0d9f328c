"""Rendering models (numbers, capacity records) for the terminal and for pipes: table,
json, jsonl, csv."""

from __future__ import annotations

import csv
import enum
import itertools
import json
import operator
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

import attrs

from virtnum._convert import converter, to_dict
from virtnum.cli._table import SAMPLE, clean, write_table
from virtnum.models import VIRTUAL_NUMBER_FIELDS, AvailableMobileNumber, VirtualNumber

__all__ = ["DEFAULT_FIELDS", "FORMATS", "Columns", "parse_fields", "render", "terminal_width"]

FORMATS = ("table", "json", "jsonl", "csv")
DEFAULT_FIELDS = ("id", "number", "type", "purpose", "state", "region_name", "comment")
ALL = "all"
Model = VirtualNumber | AvailableMobileNumber


@attrs.frozen
class Columns:
    """The fields to show, and with ``extra`` also every key the server sent that the
    SDK does not know (a model's ``extra``), in the order first seen."""

    names: tuple[str, ...]
    extra: bool = False
    _known: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    _get: Callable[[Any], Any] | None = attrs.field(init=False, repr=False, eq=False)

    @_known.default
    def _names_as_a_set(self) -> frozenset[str]:
        return frozenset(self.names)

    @_get.default
    def _getter(self) -> Callable[[Any], Any] | None:
        return operator.attrgetter(*self.names) if self.names else None

    def resolve(self, models: Iterable[Model]) -> tuple[str, ...]:
        """The column names for these models: ``names``, then their extra keys."""
        if not self.extra:
            return self.names
        seen = dict.fromkeys(self.names)
        for model in models:
            seen.update(dict.fromkeys(key for key in model.extra if key not in seen))
        return tuple(seen)

    def record(self, model: Model) -> dict[str, Any]:
        """The model as a JSON object of these fields (with its own extra keys)."""
        if self.extra:
            data = to_dict(model)
            return {k: v for k, v in data.items() if k in self._known or k in model.extra}
        return dict(zip(self.names, self.values(model), strict=True))

    def values(self, model: Model) -> list[Any]:
        """The JSON values of ``names`` of ``model`` (as ``to_dict`` gives them, but
        without converting the fields not asked for)."""
        try:
            found = self._get(model) if self._get else ()
        except AttributeError:  # a name only in the model's extra keys
            return _values(model, self.names)
        found = (found,) if len(self.names) == 1 else found
        return [value if type(value) in _PLAIN else _json(value) for value in found]


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _values(model: Model, names: Sequence[str]) -> list[Any]:
    """The JSON values of these fields of ``model`` (an unknown name from its ``extra``),
    as ``to_dict`` would give them, without converting the fields not asked for."""
    found = []
    for name in names:
        value = getattr(model, name, _MISSING)
        if value is _MISSING or name == "extra":
            value = model.extra.get(name)
        elif type(value) not in _PLAIN:
            value = _json(value)
        found.append(value)
    return found


def _json(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else converter.unstructure(value)


_MISSING = object()


def parse_fields(
    text: str | None,
    known: Sequence[str] = VIRTUAL_NUMBER_FIELDS,
    default: tuple[str, ...] = DEFAULT_FIELDS,
) -> Columns:
    """``id,number,state`` -> checked field names (of ``known``); ``all``: every known
    field and the extra keys."""
    if not text:
        return Columns(default)
    if text.strip().lower() == ALL:
        return Columns(tuple(known), extra=True)
    fields = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in fields if name not in known]
    if unknown or not fields:
        raise ValueError(
            f"unknown field(s): {', '.join(unknown) or '(none given)'}; "
            f"known: {', '.join(known)} (or {ALL})"
        )
    return Columns(fields)


def _cell(value: Any, separator: str = ";") -> str:
    """A value as CSV or table text: lists of numbers joined, other JSON compact."""
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


def terminal_width(out: IO[str]) -> int | None:
    """The columns of the terminal ``out`` writes to (``$COLUMNS`` first); None off one."""
    try:
        if not out.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(out.fileno()).columns or 80
    except (AttributeError, OSError, ValueError):
        return 80


def _rows(models: Iterable[Model], columns: Columns, names: Sequence[str]) -> Iterator[list[Any]]:
    """Each model's values in the order of ``names``."""
    if not columns.extra:
        yield from map(columns.values, models)
        return
    for model in models:
        data = to_dict(model)
        yield [data.get(name) for name in names]


def _table_cells(rows: Iterable[list[Any]]) -> Iterator[list[str]]:
    for row in rows:
        cells = [_cell(value, ", ") for value in row]
        yield [text if text.isprintable() else clean(text) for text in cells]


def _json_array(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """A JSON array of ``records``, one to a line, written one record at a time."""
    count = 0
    for record in records:
        out.write(("[\n" if count == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


def render(
    numbers: Iterable[Model], fmt: str, columns: Columns | Sequence[str], out: IO[str]
) -> int:
    """Write models to ``out`` in ``fmt`` as they come (an iterator is read once, as it
    goes); return how many.

    The table takes its widths from the terminal and its first ``SAMPLE`` rows (a later,
    wider value widens its own line only); only CSV with extra keys reads every row
    first (its header holds them all)."""
    if not isinstance(columns, Columns):
        columns = Columns(tuple(columns))
    models = iter(numbers)
    if fmt == "jsonl":
        count = 0
        for model in models:
            out.write(json.dumps(columns.record(model), ensure_ascii=False) + "\n")
            count += 1
        return count
    if fmt == "json":
        return _json_array(map(columns.record, models), out)
    ahead = None if fmt == "csv" and columns.extra else SAMPLE if fmt == "table" else 0
    sample = list(itertools.islice(models, ahead))
    names = columns.resolve(sample)
    rows = _rows(itertools.chain(sample, models), columns, names)
    del sample
    if fmt == "table":
        cells = _table_cells(rows)
        first = list(itertools.islice(cells, SAMPLE))
        return write_table(names, first, cells, out, terminal_width(out))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    count = 0
    for row in rows:
        writer.writerow([_cell(value) for value in row])
        count += 1
    return count
