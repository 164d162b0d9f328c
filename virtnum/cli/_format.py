"""Rendering models (numbers, capacity records) for the terminal and for pipes: table,
json, jsonl, csv."""

from __future__ import annotations

import csv
import itertools
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

import attrs

from virtnum._convert import to_dict
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

    @_known.default
    def _names_as_a_set(self) -> frozenset[str]:
        return frozenset(self.names)

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
        data = to_dict(model)
        if self.extra:
            return {k: v for k, v in data.items() if k in self._known or k in model.extra}
        return {name: data.get(name) for name in self.names}


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
    if value is None:
        return ""
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


def _table_cells(models: Iterable[Model], names: Sequence[str]) -> Iterator[list[str]]:
    for model in models:
        data = to_dict(model)
        yield [clean(_cell(data.get(name), ", ")) for name in names]


def render(
    numbers: Iterable[Model], fmt: str, columns: Columns | Sequence[str], out: IO[str]
) -> int:
    """Write models to ``out`` in ``fmt``, streaming where the format allows; return count.

    A stream's table takes its widths from the first rows; CSV with extra keys reads
    every row first (its header holds them all)."""
    if not isinstance(columns, Columns):
        columns = Columns(tuple(columns))
    models = iter(numbers)
    count = 0
    if fmt == "jsonl":
        for model in models:
            out.write(json.dumps(columns.record(model), ensure_ascii=False) + "\n")
            count += 1
        return count
    if fmt == "json":
        rows = [columns.record(model) for model in models]
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return len(rows)
    # the rows that decide the table's widths or CSV's extra columns: all there are
    # when they are at hand, the first SAMPLE of a stream (a wider value then widens
    # its own line only)
    whole = isinstance(numbers, Sequence) or (fmt == "csv" and columns.extra)
    ahead = None if whole else SAMPLE if fmt == "table" else 0
    sample = list(itertools.islice(models, ahead))
    names = columns.resolve(sample)
    if fmt == "table":
        first = list(_table_cells(sample, names))
        return write_table(names, first, _table_cells(models, names), out, terminal_width(out))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for model in itertools.chain(sample, models):
        data = to_dict(model)
        writer.writerow([_cell(data.get(name)) for name in names])
        count += 1
    return count
