"""The file ``numbers apply`` reads, as rows: a workbook (by its suffix or content),
CSV in UTF-8, UTF-8 with a BOM or cp1251 with ``,``, ``;`` or tab, or JSONL."""

from __future__ import annotations

import sys

import click

from virtnum.cli.commands.rows import Row, read_rows, read_table, sniff
from virtnum.cli.output.encodings import decode
from virtnum.cli.output.xlsx import is_workbook, read_workbook

__all__ = ["load_rows"]


def _read(source: str) -> tuple[str, bytes]:
    """The file's name (``stdin`` for ``-``) and bytes."""
    if source == "-":
        return "stdin", sys.stdin.buffer.read()
    try:
        with open(source, "rb") as file:
            return source, file.read()
    except OSError as exc:
        raise ValueError(f"cannot read {source}: {exc.strerror or exc}") from None


def load_rows(
    source: str,
    input_format: str,
    encoding: str | None,
    delimiter: str | None,
    raw_csv: bool = False,
) -> list[Row]:
    """Every row of ``source`` (``-``: stdin) in ``input_format`` (``auto``: by the
    suffix or the content); a note on stderr when the encoding was guessed."""
    name, data = _read(source)
    try:
        return _rows(name, data, input_format, encoding, delimiter, raw_csv)
    except ValueError as exc:
        text = str(exc)
        raise ValueError(text if text.startswith("cannot read") else f"{name}: {text}") from None


def _unreadable(row: Row, reason: str) -> Row:
    """``row`` refused for ``reason``, whatever its cells said."""
    return Row(row.line, row.id, error=reason)


def _rows(
    name: str,
    data: bytes,
    input_format: str,
    encoding: str | None,
    delimiter: str | None,
    raw_csv: bool,
) -> list[Row]:
    """The rows of ``data`` read as its format (found, or as given)."""
    if input_format == "xlsx" or (input_format == "auto" and is_workbook(name, data)):
        if encoding is not None or delimiter is not None or raw_csv:
            raise click.UsageError(
                "--encoding, --delimiter and --raw-csv are for CSV, not a workbook"
            )
        header, body, unsaved = read_workbook(data, name)
        rows = read_table(header, body)
        return [_unreadable(row, unsaved[row.line]) if row.line in unsaved else row for row in rows]
    decoded = decode(data, name, encoding)
    if decoded.note:
        click.echo(decoded.note, err=True)
    kind = sniff(name, decoded.text) if input_format == "auto" else input_format
    if kind == "jsonl" and (delimiter is not None or raw_csv):
        raise click.UsageError("--delimiter and --raw-csv are for CSV, not JSONL")
    return read_rows(decoded.text, kind, delimiter, raw_csv=raw_csv)
