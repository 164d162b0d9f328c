"""The ``table`` format, written row by row: the column widths are decided once, from
the first rows, and each row is then laid out on its own (cheap, and ready to stream).

On a terminal the table fits its width: ids and phone numbers are never cut or wrapped,
short values (states, types) are abbreviated and text wraps; when even that does not
fit, each record is printed as ``field value`` lines instead. Off a terminal (``width``
None) every value is written in full.
"""

from __future__ import annotations

import enum
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import IO

import attrs
from rich.cells import cell_len, chop_cells, set_cell_size

__all__ = ["SAMPLE", "Mode", "mode_of", "write_table"]

#: How many rows decide the column widths (a later, wider value widens its line only).
SAMPLE = 1000


class Mode(enum.Enum):
    """How a column gives way on a narrow terminal."""

    KEEP = "keep"  # ids and phone numbers: never cut, never wrapped
    WORDS = "words"  # lists of numbers: wrapped between numbers only
    CUT = "cut"  # short values (types, states, flags): abbreviated with an ellipsis
    WRAP = "wrap"  # text: wrapped at spaces, a word too long broken


_CUT_FIELDS = frozenset({"type", "purpose", "state", "nc_type"})
_MIN_WIDTH = {Mode.CUT: 5, Mode.WRAP: 8}


def mode_of(name: str) -> Mode:
    """The column's mode, by its field name (an unknown ``extra`` key wraps)."""
    if name == "id" or name.endswith(("_id", "number")):
        return Mode.KEEP
    if name.endswith("numbers"):
        return Mode.WORDS
    if name in _CUT_FIELDS or name.startswith("is_"):
        return Mode.CUT
    return Mode.WRAP


@attrs.frozen
class _Box:
    top: str
    middle: str
    bottom: str
    bar: str
    ellipsis: str


_UNICODE = _Box("┌─┬┐", "├─┼┤", "└─┴┘", "│", "…")
_ASCII = _Box("+-++", "+-++", "+-++", "|", "~")


def _box_for(out: IO[str]) -> _Box:
    """Box-drawing characters when ``out`` can encode them, ASCII otherwise."""
    encoding = getattr(out, "encoding", None)
    if not encoding:
        return _UNICODE
    try:
        "".join(attrs.astuple(_UNICODE)).encode(encoding)
    except (UnicodeError, LookupError):
        return _ASCII
    return _UNICODE


def _fit(text: str, width: int, mode: Mode, ellipsis: str) -> list[str]:
    """The lines of one cell ``width`` cells wide (a KEEP value is never shortened)."""
    if cell_len(text) <= width or mode is Mode.KEEP:
        return [text]
    if mode is Mode.CUT:
        return [set_cell_size(text, width - cell_len(ellipsis)) + ellipsis]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        if cell_len(word) > width and mode is Mode.WRAP:
            *full, word = chop_cells(word, width)
            lines.extend(full)
        line = word
    lines.append(line)
    return lines


def _name_lines(name: str, width: int, ellipsis: str) -> list[str]:
    """A column's name on lines ``width`` wide, broken after underscores."""
    parts = re.findall(r"[^_]+_*|_+", name) or [name]
    lines = [""]
    for part in parts:
        if lines[-1] and cell_len(lines[-1] + part) > width:
            lines.append("")
        lines[-1] += part
    return [_fit(line, width, Mode.CUT, ellipsis)[0] for line in lines]


def _widths(
    names: Sequence[str], modes: Sequence[Mode], rows: Sequence[Sequence[str]], width: int | None
) -> list[int] | None:
    """Column widths: the widest value (or name) each, shrunk to ``width`` on a terminal;
    None when the table cannot fit even with every column at its narrowest."""
    natural = [
        max([cell_len(name), *(cell_len(row[i]) for row in rows)]) for i, name in enumerate(names)
    ]
    if width is None:
        return natural
    budget = width - 3 * len(names) - 1
    if sum(natural) <= budget:
        return natural
    least = []
    for i, mode in enumerate(modes):
        if mode is Mode.KEEP:
            least.append(max([1, *(cell_len(row[i]) for row in rows)]))
        elif mode is Mode.WORDS:
            words = [cell_len(word) for row in rows for word in row[i].split(" ")]
            least.append(max([1, *words]))
        else:
            least.append(min(natural[i], _MIN_WIDTH[mode]))
    if sum(least) > budget:
        return None

    # the widest columns give way first: the largest cap on a width that fits
    def capped(cap: int) -> list[int]:
        return [max(lo, min(n, cap)) for lo, n in zip(least, natural, strict=True)]

    low, high = 0, max(natural)
    while low < high:
        cap = (low + high + 1) // 2
        low, high = (cap, high) if sum(capped(cap)) <= budget else (low, cap - 1)
    widths = capped(low)
    spare = budget - sum(widths)
    for i in range(len(widths)):  # what is left goes to the columns still short of room
        if spare and widths[i] < natural[i]:
            widths[i] += 1
            spare -= 1
    return widths


@attrs.frozen
class _Layout:
    """Decided once, then used for every row."""

    widths: Sequence[int]
    modes: Sequence[Mode]
    box: _Box

    def rule(self, chars: str) -> str:
        """A horizontal line: ``chars`` is its left end, line, crossing and right end."""
        line = chars[1]
        return chars[0] + chars[2].join(line * (w + 2) for w in self.widths) + chars[3] + "\n"

    def lines(self, cells: Sequence[Sequence[str]]) -> str:
        """Cells already split into lines, side by side and padded to their widths."""
        height = max(map(len, cells))
        bar = self.box.bar
        out = []
        for index in range(height):
            parts = [
                _pad(lines[index] if index < len(lines) else "", width)
                for lines, width in zip(cells, self.widths, strict=True)
            ]
            out.append(f"{bar} " + f" {bar} ".join(parts) + f" {bar}\n")
        return "".join(out)

    def row(self, row: Sequence[str]) -> str:
        parts = []
        for text, width, mode in zip(row, self.widths, self.modes, strict=True):
            used = len(text) if text.isascii() else cell_len(text)
            if used > width and mode is not Mode.KEEP:
                return self._wrapped(row)
            parts.append(text + " " * (width - used))
        bar = self.box.bar
        return f"{bar} " + f" {bar} ".join(parts) + f" {bar}\n"

    def _wrapped(self, row: Sequence[str]) -> str:
        """A row with a cell too wide for its column, on as many lines as it needs."""
        ellipsis = self.box.ellipsis
        return self.lines(
            [
                _fit(text, width, mode, ellipsis)
                for text, width, mode in zip(row, self.widths, self.modes, strict=True)
            ]
        )


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cell_len(text))


def _records(
    names: Sequence[str], rows: Iterable[Sequence[str]], width: int, box: _Box, out: IO[str]
) -> int:
    """Each row as ``name value`` lines, a blank line between rows (too many columns)."""
    name_width = max(map(cell_len, names))
    room = max(1, width - name_width - 2)
    modes = [mode_of(name) for name in names]
    count = 0
    for row in rows:
        lines = [] if count == 0 else [""]
        for name, text, mode in zip(names, row, modes, strict=True):
            fitted = _fit(text, room, Mode.WRAP if mode is Mode.CUT else mode, box.ellipsis)
            lines.append((_pad(name, name_width) + "  " + fitted[0]).rstrip())
            lines.extend(" " * (name_width + 2) + more for more in fitted[1:])
        out.write("\n".join(lines) + "\n")
        count += 1
    return count


def write_table(
    names: Sequence[str],
    sample: Sequence[Sequence[str]],
    rest: Iterable[Sequence[str]],
    out: IO[str],
    width: int | None,
) -> int:
    """Write a table of ``sample`` (which decides the widths) and then ``rest``; cells
    are strings in the order of ``names``. Returns how many rows were written."""
    box = _box_for(out)
    modes = [mode_of(name) for name in names]
    widths = _widths(names, modes, sample, width)
    if widths is None:
        assert width is not None
        return _records(names, itertools.chain(sample, rest), width, box, out)
    layout = _Layout(widths, modes, box)
    out.write(layout.rule(box.top))
    heading = [_name_lines(n, w, box.ellipsis) for n, w in zip(names, widths, strict=True)]
    out.write(layout.lines(heading))
    out.write(layout.rule(box.middle))
    count = 0
    for row in itertools.chain(sample, rest):
        out.write(layout.row(row))
        count += 1
    out.write(layout.rule(box.bottom))
    return count
