"""Rendering numbers for the terminal and for pipes: table, json, jsonl, csv."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from virtnum._convert import to_dict
from virtnum.models import VIRTUAL_NUMBER_FIELDS, VirtualNumber

__all__ = ["DEFAULT_FIELDS", "FORMATS", "parse_fields", "render"]

FORMATS = ("table", "json", "jsonl", "csv")
DEFAULT_FIELDS = ("id", "number", "type", "purpose", "state", "region_name", "comment")


def parse_fields(text: str | None) -> tuple[str, ...]:
    """``id,number,state`` -> a checked tuple of field names."""
    if not text:
        return DEFAULT_FIELDS
    fields = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in fields if name not in VIRTUAL_NUMBER_FIELDS]
    if unknown or not fields:
        raise ValueError(
            f"unknown field(s): {', '.join(unknown) or '(none given)'}; "
            f"known: {', '.join(VIRTUAL_NUMBER_FIELDS)}"
        )
    return fields


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item.get("number", "")) for item in value)
    return str(value)


def _rows(numbers: Iterable[VirtualNumber], fields: Sequence[str]) -> Iterable[dict[str, Any]]:
    for number in numbers:
        data = to_dict(number)
        yield {name: data.get(name) for name in fields}


def render(numbers: Iterable[VirtualNumber], fmt: str, fields: Sequence[str], out: IO[str]) -> int:
    """Write ``numbers`` to ``out`` in ``fmt``, streaming where the format allows; return count."""
    count = 0
    if fmt == "jsonl":
        for row in _rows(numbers, fields):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "json":
        rows = list(_rows(numbers, fields))
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        count = len(rows)
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(fields)
        for row in _rows(numbers, fields):
            writer.writerow([_cell(row[name]) for name in fields])
            count += 1
    else:
        from rich.table import Table

        table = Table(*fields, show_lines=False)
        for row in _rows(numbers, fields):
            table.add_row(*(_cell(row[name]) for name in fields))
            count += 1
        _console(out, width=max(100, len(fields) * 14)).print(table)
    return count


def _console(out: IO[str], width: int) -> Any:
    """A rich Console whose closed pipe raises BrokenPipeError for the CLI's own handler
    (rich's default exits with status 1)."""
    from rich.console import Console

    class _PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return _PipeConsole(file=out, width=width)
