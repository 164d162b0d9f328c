"""The CSV export, with no cell Excel would run as a formula (as OWASP advises): a text
cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
``'`` (quotes already there one more), and ``numbers apply`` takes that ``'`` away
again, so an export comes back exact. The xlsx export needs none of this: its texts
are text cells. Numbers are no formulas: an integer field (ids) is never touched, nor
a text that is a plain signed number (``+79201234567``, ``-5``)."""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

__all__ = ["unguard", "write_csv"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def _runs(text: str) -> bool:
    """Whether Excel would read ``text`` as a formula."""
    return text.startswith(_TRIGGERS) and _PLAIN_NUMBER.fullmatch(text) is None


def _guarded(text: str) -> str:
    return _QUOTE + text if _runs(text.lstrip(_QUOTE)) else text


# The first characters worth a closer look (a quote: the export may have to add one).
_SUSPECT = frozenset((*_TRIGGERS, _QUOTE))


def _carriage(row: Sequence[Any]) -> bool:
    return any(isinstance(v, str) and "\r" in v for v in row)


def write_csv(
    out: IO[str], names: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str, raw: bool
) -> int:
    """The header ``names`` and ``rows`` as CSV, a text cell Excel would run quoted with
    ``'`` unless ``raw``; a row with a carriage return in a cell has every cell in
    double quotes (``csv`` quotes only the ``\n`` line end). Returns how many rows."""
    plain = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    careful = csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    suspect = frozenset() if raw else _SUSPECT
    count = -1
    for row in itertools.chain([names], rows):
        for value in row:  # the common row has nothing suspect: one cheap pass
            if value.__class__ is str and (value[:1] in suspect or "\r" in value):
                if not raw:
                    row = [_guarded(v) if isinstance(v, str) else v for v in row]
                (careful if _carriage(row) else plain).writerow(row)
                break
        else:
            plain.writerow(row)
        count += 1
    return count


def unguard(text: str) -> str:
    """A CSV cell as it was before ``write_csv`` guarded it (one ``'`` fewer before a formula)."""
    if text.startswith(_QUOTE) and _runs(text.lstrip(_QUOTE)):
        return text[1:]
    return text
