"""The rows of a ``numbers apply`` file (CSV with a header row, or JSONL), each checked
on its own: a bad row carries its error, and the good rows still go."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from virtnum.cli._plan import EDITABLE, check_wanted, number_id

__all__ = ["Row", "read_rows", "sniff"]

_COLUMNS = ("id", *EDITABLE)


@attrs.frozen
class Row:
    """One row: where it is, its id (as given when that is bad), the checked wanted
    values, or the reason it cannot be applied."""

    line: int
    id: Any
    wanted: Mapping[str, Any] = attrs.field(factory=dict)
    error: str | None = None


def sniff(name: str, text: str) -> str:
    """``csv`` or ``jsonl``: by the file's suffix, else by its first character."""
    lowered = name.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lowered.endswith(".csv"):
        return "csv"
    return "jsonl" if text.lstrip().startswith("{") else "csv"


def _checked(line: int, data: Mapping[str, Any]) -> Row:
    """A row from its raw values (``id`` plus any editable fields)."""
    raw_id = data.get("id")
    try:
        target = number_id(raw_id)
    except ValueError as exc:
        return Row(line, raw_id, error=str(exc))
    try:
        wanted = check_wanted(data)
    except ValueError as exc:
        return Row(line, target, error=str(exc))
    if not wanted:
        return Row(line, target, error=f"nothing to change: give any of {', '.join(EDITABLE)}")
    return Row(line, target, wanted)


def _csv_rows(text: str) -> Iterator[Row]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in _COLUMNS]
    if "id" not in header or unknown:
        raise ValueError(
            f"the CSV header must have id and any of {', '.join(EDITABLE)}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    for cells in reader:
        line = reader.line_num
        if None in cells:
            yield Row(line, cells.get("id"), error="more cells than the header has columns")
            continue
        data: dict[str, Any] = {k: v for k, v in cells.items() if v not in (None, "")}
        if data.get("employee_id", "").strip().isdigit():
            data["employee_id"] = int(data["employee_id"])
        yield _checked(line, data)


def _jsonl_rows(text: str) -> Iterator[Row]:
    for line, source in enumerate(text.splitlines(), 1):
        if not source.strip():
            continue
        try:
            data = json.loads(source)
        except ValueError:
            yield Row(line, None, error="not a JSON object")
            continue
        if not isinstance(data, dict):
            yield Row(line, None, error="not a JSON object")
            continue
        unknown = sorted(set(data) - set(_COLUMNS))
        if unknown:
            yield Row(line, data.get("id"), error=f"unknown key(s): {', '.join(unknown)}")
            continue
        yield _checked(line, data)


def read_rows(text: str, kind: str) -> list[Row]:
    """Every row of the file; a later row for an id already seen is an error."""
    text = text.removeprefix("\ufeff")  # a byte-order mark, as spreadsheets write it
    rows = list(_csv_rows(text) if kind == "csv" else _jsonl_rows(text))
    seen: dict[int, int] = {}
    for index, row in enumerate(rows):
        if row.error is None:
            first = seen.setdefault(row.id, row.line)
            if first != row.line:
                rows[index] = attrs.evolve(row, error=f"id {row.id} is also on line {first}")
    return rows
