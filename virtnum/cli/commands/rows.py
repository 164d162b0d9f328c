"""The rows of a ``numbers apply`` file (CSV or a workbook with a header row, or JSONL),
each checked on its own: a bad row carries its error, and the good rows still go.

Every column that ``numbers list`` writes is accepted: the editable ones are the edits,
the others are compared with the number as it is (``Row.seen``). Column names match in
any case and with spaces around them; cells are trimmed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from virtnum.cli.commands.plan import EDITABLE, READ_ONLY, check_wanted, number_id
from virtnum.cli.output.cells import cell
from virtnum.cli.output.encodings import sniff_delimiter
from virtnum.cli.output.formulas import unguard
from virtnum.cli.words import did_you_mean, normal_name

__all__ = ["Row", "read_rows", "read_table", "sniff"]

_COLUMNS = ("id", *EDITABLE, *READ_ONLY)


@attrs.frozen
class Row:
    """One row: where it is, its id (as given when that is bad), the checked wanted
    values, the read-only values it shows (as CSV text), or the reason it cannot go."""

    line: int
    id: Any
    wanted: Mapping[str, Any] = attrs.field(factory=dict)
    error: str | None = None
    seen: Mapping[str, str] = attrs.field(factory=dict)


def sniff(name: str, text: str) -> str:
    """``csv`` or ``jsonl`` (JSON lines, or one JSON array): by the first character (no
    CSV header starts with ``{`` or ``[``), else by the file's suffix."""
    if text.lstrip().startswith(("{", "[")):
        return "jsonl"
    return "jsonl" if name.lower().endswith((".jsonl", ".ndjson", ".json")) else "csv"


def _checked(line: int, data: Mapping[str, Any]) -> Row:
    """A row from its values by column: ``id``, editable fields, read-only ones."""
    raw_id = data.get("id")
    try:
        target = number_id(raw_id)
    except ValueError as exc:
        return Row(line, raw_id, error=str(exc))
    edits = {name: value for name, value in data.items() if name in EDITABLE}
    if isinstance(edits.get("purpose"), str):
        edits["purpose"] = edits["purpose"].strip().lower()
    seen = {name: cell(value) for name, value in data.items() if name in READ_ONLY}
    try:
        wanted = check_wanted(edits)
    except ValueError as exc:
        return Row(line, target, error=str(exc))
    if not wanted and not any(seen.values()):
        return Row(line, target, error=f"nothing to change: give any of {', '.join(EDITABLE)}")
    return Row(line, target, wanted, seen={k: v for k, v in seen.items() if v})


def _unknown_hint(unknown: Sequence[str]) -> str:
    """What the header's unknown names are, the closest column, and a delimiter hint."""
    hint = f"; unknown: {', '.join(name.strip() for name in unknown)}"
    close = did_you_mean(normal_name(unknown[0]), _COLUMNS).strip()
    if close:
        hint += f" ({close})"
    if any(mark in unknown[0] for mark in ";,\t|"):
        hint += "; is it another delimiter? (see --delimiter)"
    return hint


def _header(names: Sequence[str]) -> list[str]:
    """The columns by their API names ('' for a column without a name, left out);
    ValueError naming what is not a column of ``numbers list``."""
    columns = [normal_name(name) for name in names]
    unknown = [name for name, key in zip(names, columns, strict=True) if key not in ("", *_COLUMNS)]
    if "id" not in columns or not set(columns) & set(EDITABLE) or unknown:
        raise ValueError(
            f"the header must have id and any of {', '.join(EDITABLE)} (the other columns "
            "of `numbers list` are compared, not changed)"
            + (_unknown_hint(unknown) if unknown else "")
        )
    twice = sorted({key for key in columns if key and columns.count(key) > 1})
    if twice:
        raise ValueError(f"the header has {', '.join(twice)} twice")
    return columns


def read_table(
    names: Sequence[str],
    records: Iterable[tuple[int, Sequence[str]]],
    text: Callable[[str], str] = str.strip,
) -> list[Row]:
    """The rows of a table (a CSV file, a sheet): a header and ``(line, cells)`` each,
    each cell read by ``text``; an empty cell leaves its field as it is, and a row of
    empty cells is skipped."""
    columns = _header([text(name) for name in names])
    rows = []
    for line, cells in records:
        values = [text(value) for value in cells]
        if not any(values):
            continue
        if any(values[len(columns) :]):
            raw_id = values[columns.index("id")]
            rows.append(Row(line, raw_id, error="more cells than the header has columns"))
            continue
        data: dict[str, Any] = {k: v for k, v in zip(columns, values, strict=False) if k and v}
        if data.get("employee_id", "").isdigit():
            data["employee_id"] = int(data["employee_id"])
        rows.append(_checked(line, data))
    return _no_repeats(rows)


def _csv_records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    for cells in reader:
        yield reader.line_num, cells


def _jsonl_rows(text: str) -> Iterator[Row]:
    for line, source in enumerate(text.splitlines(), 1):
        if not source.strip():
            continue
        try:
            data = json.loads(source)
        except ValueError:
            yield Row(line, None, error="not a JSON object")
            continue
        yield _json_row(line, data)


def _json_array_rows(text: str) -> Iterator[Row]:
    """The objects of one JSON array (``--format json``), each with the line it starts
    on; ValueError naming the line where the text stops being one array."""
    decoder = json.JSONDecoder()
    index = _after_space(text, text.index("[") + 1)
    while index < len(text) and text[index] != "]":
        line = text.count("\n", 0, index) + 1
        try:
            data, index = decoder.raw_decode(text, index)
        except ValueError:
            raise ValueError(f"line {line}: not a JSON array of objects") from None
        yield _json_row(line, data)
        index = _after_space(text, index)
        if text.startswith(",", index):
            index = _after_space(text, index + 1)
        elif not text.startswith("]", index):
            raise ValueError(f"line {text.count(chr(10), 0, index) + 1}: expected , or ]")
    if index >= len(text) or text[index + 1 :].strip():
        raise ValueError("not one JSON array: it must end with ] and nothing after it")


def _after_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _json_row(line: int, data: Any) -> Row:
    """A row from one JSON value: an object of the export's keys."""
    if not isinstance(data, dict):
        return Row(line, None, error="not a JSON object")
    data = {normal_name(str(key)): value for key, value in data.items()}
    unknown = sorted(set(data) - set(_COLUMNS))
    if unknown:
        return Row(line, data.get("id"), error=f"unknown key(s): {', '.join(unknown)}")
    # null is the export's "none": it clears a comment, and leaves the rest alone
    kept = {k: v for k, v in data.items() if v is not None or k in ("comment", "id")}
    return _checked(line, kept)


def _no_repeats(rows: list[Row]) -> list[Row]:
    """``rows`` with a later row for an id already seen made an error."""
    seen: dict[int, int] = {}
    for index, row in enumerate(rows):
        if row.error is None:
            first = seen.setdefault(row.id, row.line)
            if first != row.line:
                rows[index] = attrs.evolve(row, error=f"id {row.id} is also on line {first}")
    return rows


def _csv_cell(value: str) -> str:
    """A CSV cell trimmed, and without the ``'`` the export put before a formula."""
    return unguard(value.strip())


def read_rows(
    text: str, kind: str, delimiter: str | None = None, *, raw_csv: bool = False
) -> list[Row]:
    """Every row of a CSV (``delimiter`` found from its header when not given; the
    export's ``'`` before a formula taken away unless ``raw_csv``), JSONL or JSON-array
    text; a later row for an id already seen is an error."""
    text = text.removeprefix("\ufeff")  # a byte-order mark, as spreadsheets write it
    if kind == "jsonl":
        whole = text.lstrip().startswith("[")
        return _no_repeats(list(_json_array_rows(text) if whole else _jsonl_rows(text)))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter or sniff_delimiter(text))
    header = next(reader, None)
    if header is None:
        raise ValueError("the file is empty: it needs a header row (id and the columns to change)")
    return read_table(header, _csv_records(reader), str.strip if raw_csv else _csv_cell)
