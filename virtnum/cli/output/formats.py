"""Rendering models (numbers, capacity records) for the terminal and for pipes: table,
json, jsonl, csv."""

from __future__ import annotations

import enum
import functools
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

import attrs

from virtnum.cli.output.cells import Target, cell, kind_of, row_maker, unstructure
from virtnum.cli.output.inert import clean
from virtnum.cli.output.table import SAMPLE, write_table
from virtnum.cli.words import did_you_mean
from virtnum.models import VIRTUAL_NUMBER_FIELDS, AvailableMobileNumber, VirtualNumber

__all__ = [
    "DEFAULT_FIELDS",
    "FORMATS",
    "Columns",
    "named_rows",
    "parse_fields",
    "render",
    "terminal_width",
]

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
    _makers: dict[tuple[type, Target], Callable[[Any], list[Any]]] = attrs.field(
        init=False, factory=dict, repr=False, eq=False
    )

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
        if self.extra:
            from virtnum import to_dict

            data = to_dict(model)
            return {k: v for k, v in data.items() if k in self._known or k in model.extra}
        return dict(zip(self.names, self.values(model), strict=True))

    def values(self, model: Model) -> list[Any]:
        """The JSON values of ``names`` of ``model`` (equal to what ``to_dict`` gives,
        without converting the fields not asked for)."""
        return self._maker(type(model), Target.JSON)(model)

    def records(self, models: Iterable[Model]) -> Iterator[dict[str, Any]]:
        """Each model as ``record`` gives it."""
        if self.extra:
            yield from map(self.record, models)
            return
        names = self.names
        for values in self.rows(models, Target.JSON):
            yield dict(zip(names, values, strict=True))

    def rows(
        self, models: Iterable[Model], target: Target, names: Sequence[str] | None = None
    ) -> Iterator[list[Any]]:
        """Each model's cells for ``target``, in the order of ``names`` (default: the
        columns; with ``extra``, the names ``resolve`` gave)."""
        if self.extra:
            from virtnum import to_dict

            fix = _FALLBACK[target]
            for model in models:
                data = to_dict(model)
                yield [fix(data.get(name)) for name in names or self.names]
            return
        made_for: type | None = None
        make: Callable[[Any], list[Any]] = list
        for model in models:
            if type(model) is not made_for:
                made_for = type(model)
                make = self._maker(made_for, target)
            yield make(model)

    def _maker(self, cls: type, target: Target) -> Callable[[Any], list[Any]]:
        found = self._makers.get((cls, target))
        if found is None:
            kinds = kind_of(cls)
            if all(name in kinds and name != "extra" for name in self.names):
                found = row_maker(cls, self.names, target)
            else:  # a name only in the models' extra keys
                fix, names = _FALLBACK[target], self.names
                found = lambda model: [fix(value) for value in _values(model, names)]  # noqa: E731
            self._makers[(cls, target)] = found
        return found


def _identity(value: Any) -> Any:
    return value


_FALLBACK: dict[Target, Callable[[Any], Any]] = {
    Target.JSON: _identity,
    Target.CSV: cell,
    Target.TABLE: lambda value: cell(value, ", "),
}

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
    return value.value if isinstance(value, enum.Enum) else unstructure(value)


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
    fields = tuple(name.strip().lower() for name in text.split(",") if name.strip())
    unknown = [name for name in fields if name not in known]
    if unknown or not fields:
        hint = did_you_mean(unknown[0], known) if unknown else ""
        raise ValueError(
            f"--fields: unknown field(s): {', '.join(unknown) or '(none given)'}; {hint}"
            f"known: {', '.join(known)} (or {ALL})"
        )
    return Columns(fields)


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


def _table_cells(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    for cells in rows:
        yield [text if text.isprintable() else clean(text) for text in cells]


@functools.cache
def _encoder() -> Callable[[Any], bytes]:
    """msgspec's JSON encoder (imported when JSON is first written, not for ``--help``):
    it takes half the time of ``json.dumps``, writes records compact, UTF-8 as it is,
    and NaN as null where ``json`` writes invalid JSON."""
    import msgspec

    return msgspec.json.Encoder().encode


def _json_array(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """A JSON array of ``records``, one to a line, written one record at a time."""
    encode = _encoder()
    count = 0
    for record in records:
        out.write(("[\n" if count == 0 else ",\n") + encode(record).decode())
        count += 1
    out.write("\n]\n" if count else "[]\n")
    return count


def named_rows(
    models: Iterator[Model], columns: Columns, target: Target, ahead: int | None
) -> tuple[tuple[str, ...], Iterator[list[Any]]]:
    """The column names and each model's cells for ``target``, reading ``ahead`` models
    first for the extra keys of ``--fields all`` (None: all of them, as a header of
    every key needs)."""
    sample = list(itertools.islice(models, ahead))
    names = columns.resolve(sample)
    return names, columns.rows(itertools.chain(sample, models), target, names)


def render(
    numbers: Iterable[Model],
    fmt: str,
    columns: Columns | Sequence[str],
    out: IO[str],
    *,
    delimiter: str = ",",
    raw_csv: bool = False,
) -> int:
    """Write models to ``out`` in ``fmt`` as they come (an iterator is read once, as it
    goes); return how many.

    The table takes its widths from the terminal and its first ``SAMPLE`` rows (a later,
    wider value widens its own line only); only CSV with extra keys reads every row
    first (its header holds them all). CSV cells Excel would run as formulas are
    neutralised unless ``raw_csv``."""
    if not isinstance(columns, Columns):
        columns = Columns(tuple(columns))
    models = iter(numbers)
    if fmt == "jsonl":
        encode = _encoder()
        count = 0
        for record in columns.records(models):
            out.write(encode(record).decode() + "\n")
            count += 1
        return count
    if fmt == "json":
        return _json_array(columns.records(models), out)
    if fmt == "table":
        names, rows = named_rows(models, columns, Target.TABLE, SAMPLE)
        cells = _table_cells(rows)
        first = list(itertools.islice(cells, SAMPLE))
        return write_table(names, first, cells, out, terminal_width(out))
    names, rows = named_rows(models, columns, Target.CSV, None if columns.extra else 0)
    from virtnum.cli.output.formulas import write_csv

    return write_csv(out, names, rows, delimiter, raw_csv)
