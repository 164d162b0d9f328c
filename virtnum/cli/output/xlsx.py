"""Workbooks (.xlsx) both ways, with openpyxl imported here only, when one is read or
written: write-only mode streams the rows to a temporary file (memory stays bounded),
and every text is a text cell, so Excel neither turns a phone number into ``7,50E+10``
nor runs a comment that starts with ``=`` as a formula."""

from __future__ import annotations

import contextlib
import datetime
import gc
import io
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from virtnum import VirtnumError

__all__ = ["is_workbook", "read_workbook", "write_workbook"]

_ZIP = b"PK\x03\x04"
_SUFFIXES = (".xlsx", ".xlsm")
# Characters a worksheet cannot hold (openpyxl refuses them): written as U+FFFD.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Excel keeps 15 significant digits: a longer integer is written as text.
_EXACT = 10**15
# Texts Excel would read as something else: a formula, an error value.
_NOT_PLAIN = ("=", "#")


def is_workbook(name: str, data: bytes) -> bool:
    """Whether ``data`` (read from ``name``) is a workbook: by its suffix or content."""
    return name.lower().endswith(_SUFFIXES) or data.startswith(_ZIP)


def _openpyxl() -> Any:
    try:
        import openpyxl  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - the cli extra brings it
        raise VirtnumError("xlsx needs openpyxl: pip install 'virtnum[cli]'") from None
    return openpyxl


@contextlib.contextmanager
def _quiet_cleanup() -> Iterator[None]:
    """Collect what a failed save left (openpyxl's zip and sheet writers) without their
    "Exception ignored" complaints: the failure itself is reported once, by the caller."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        yield
    finally:
        gc.collect()
        sys.unraisablehook = hook


def _save(names: Sequence[str], rows: Iterable[Sequence[Any]], spool: IO[bytes], title: str) -> int:
    """The workbook of ``names`` and ``rows`` saved to ``spool``; how many rows."""
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped,unused-ignore]

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title)

    def text_cell(value: str) -> Any:
        cell = WriteOnlyCell(sheet, value=_ILLEGAL.sub("\ufffd", value))
        cell.data_type = "s"  # never a formula or an error value
        return cell

    def fix(value: Any) -> Any:
        if type(value) is str:
            if not value:
                return None
            if value.startswith(_NOT_PLAIN) or _ILLEGAL.search(value):
                return text_cell(value)
            return value
        if type(value) is int and abs(value) >= _EXACT:
            return str(value)
        return value

    sheet.append([text_cell(name) for name in names])
    count = 0
    for row in rows:
        sheet.append([fix(value) for value in row])
        count += 1
    book.save(spool)
    return count


def write_workbook(
    names: Sequence[str], rows: Iterable[Sequence[Any]], target: IO[bytes], title: str
) -> int:
    """One sheet: a header row of ``names``, then ``rows`` (the cells of CSV), built in
    a temporary file and then copied to ``target``. Returns how many rows."""
    with tempfile.TemporaryFile() as spool:
        with _quiet_cleanup():
            failed: tuple[int, str] | None = None
            try:
                count = _save(names, rows, spool, title)
            except OSError as exc:  # raised anew below: this one's frames hold openpyxl's
                failed = (exc.errno or 0, exc.strerror or str(exc))
            if failed is not None:
                raise OSError(*failed)
        spool.seek(0)
        shutil.copyfileobj(spool, target)
    return count


def _text(value: Any) -> str:
    """A cell's value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def read_workbook(
    data: bytes, name: str
) -> tuple[list[str], list[tuple[int, list[str]]], dict[int, str]]:
    """The first sheet of the workbook ``data``: its header row, each later row (with
    its row number) as texts, and why a row cannot be read (a formula cell with no
    saved value); ValueError when it is no workbook."""
    header, body = _sheet_rows(data, name, values=True)
    empty = {line for line, row in body if any(v is None for v in row)}
    unsaved = _unsaved_formulas(data, name, empty) if empty else {}
    texts = [(line, [_text(v) for v in row]) for line, row in body]
    return [_text(v) for v in header], texts, unsaved


def _sheet_rows(
    data: bytes, name: str, *, values: bool
) -> tuple[tuple[Any, ...], list[tuple[int, tuple[Any, ...]]]]:
    """The first sheet's header and numbered rows: saved values, or (``values=False``)
    formulas as written."""
    openpyxl = _openpyxl()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=values)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValueError(f"cannot read {name}: not an xlsx workbook ({exc})") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True) if book.worksheets else iter(())
        header = next(rows, None)
        if header is None:
            raise ValueError(f"cannot read {name}: its first sheet is empty")
        return header, list(enumerate(rows, start=2))
    finally:
        book.close()


def _unsaved_formulas(data: bytes, name: str, lines: set[int]) -> dict[int, str]:
    """The rows among ``lines`` with a formula whose value no program saved (openpyxl
    writes formulas without computing them; Excel saves the value with the formula)."""
    found: dict[int, str] = {}
    for line, row in _sheet_rows(data, name, values=False)[1]:
        if line not in lines:
            continue
        for column, cell in enumerate(row, start=1):
            if isinstance(cell, str) and cell.startswith("="):
                found[line] = (
                    f"cell {_column_letter(column)}{line} is a formula with no saved "
                    "value: open and save the file in Excel, or type the value"
                )
                break
    return found


def _column_letter(column: int) -> str:
    """Excel's name of the 1-based ``column``: A..Z, AA..."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
