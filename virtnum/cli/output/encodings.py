"""Text as Excel saves it: Russian Excel's "CSV" is cp1251 and ``;``-separated, its
"CSV UTF-8" has a byte-order mark. Decoding with a fallback, the delimiter from the
header line, and the ``--encoding``/``--delimiter`` options that override both."""

from __future__ import annotations

import codecs
import re
from typing import Any

import attrs
import click

__all__ = ["FALLBACK", "Decoded", "check_encoding", "decode", "parse_delimiter", "sniff_delimiter"]

#: What Russian Windows and Excel write when the text is not UTF-8.
FALLBACK = "cp1251"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DELIMITERS = (",", ";", "\t")
_NAMED = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}


@attrs.frozen
class Decoded:
    """A file's text, and the note to print when its encoding was guessed."""

    text: str
    note: str | None = None


def check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The ``--encoding`` option: a codec Python knows, by any of its names."""
    if value is None:
        return None
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(
            f"unknown encoding {value[:40]!r}; e.g. utf-8, utf-8-sig (with Excel's BOM), cp1251"
        ) from None
    return value


def parse_delimiter(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The ``--delimiter`` option: one character, or ``tab``."""
    if value is None:
        return None
    text = _NAMED.get(value.lower(), value)
    if len(text) != 1 or text in '"\r\n' or text.isalnum():
        raise click.BadParameter(
            f"{value[:20]!r}: expected one character such as ';' or ',', or tab"
        )
    return text


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _strict(data: bytes, encoding: str, name: str, hint: str) -> str:
    """``data`` decoded as ``encoding``; ValueError naming the file and the line."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        raise ValueError(f"cannot read {name}: line {line} {hint}") from None


def decode(data: bytes, name: str, encoding: str | None = None) -> Decoded:
    """The text of ``data`` (read from ``name``): as ``encoding`` when given, else by
    its byte-order mark, else UTF-8, else cp1251 with a note saying so."""
    if encoding is not None:
        hint = f"is not {encoding} (is --encoding right?)"
        return Decoded(_strict(data, encoding, name, hint).removeprefix("\ufeff"))
    for bom, codec in _BOMS:
        if data.startswith(bom):
            hint = f"is not {codec}, as its byte-order mark says; give --encoding"
            return Decoded(_strict(data, codec, name, hint).removeprefix("\ufeff"))
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    hint = f"is neither UTF-8 nor {FALLBACK}; give the file's encoding with --encoding"
    text = _strict(data, FALLBACK, name, hint)
    note = f"virtnum: note: {name} is not UTF-8; read it as {FALLBACK} (--encoding overrides)"
    return Decoded(text, note)


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: the one of ``,`` ``;`` and tab that its header line
    has most of outside quotes (``,`` when it has none)."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    counts: dict[str, Any] = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=counts.__getitem__)
    return best if counts[best] else ","
