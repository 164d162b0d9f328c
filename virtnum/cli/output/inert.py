"""Text from the server made inert before it reaches a terminal: a comment, an error
body or a traceback may carry escape sequences (an OSC 52 clipboard write, a title
change, a C1 CSI) that a terminal would obey. Every CLI line showing such text, and the
table view, goes through ``clean``; JSON shown to a reader goes through ``json_text``."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["clean", "clean_lines", "json_text"]

# C0, DEL and C1 controls: a space for whitespace, "?" for the rest (ESC, BEL, CSI...).
# Also the Unicode line and paragraph separators (a space), and the bidirectional
# overrides and isolates, which reorder what a line shows (Trojan Source: "?").
_WHITESPACE = "\t\n\r\v\f\x85\u2028\u2029"
_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_CONTROLS = {
    code: " " if chr(code) in _WHITESPACE else "?"
    for code in (*range(32), *range(127, 160), 0x2028, 0x2029, *_BIDI)
}
# The same characters as JSON escapes (``\u001b``): the value stays exact, and inert.
_ESCAPES = {code: f"\\u{code:04x}" for code in _CONTROLS}


def clean(text: str) -> str:
    """``text`` with its control characters replaced, for one line or a table cell."""
    return text if text.isprintable() else text.translate(_CONTROLS)


def clean_lines(text: str) -> str:
    """``text`` (a traceback, several lines) with each line cleaned, its breaks kept."""
    return "\n".join(clean(line) for line in text.split("\n"))


def json_text(value: Any) -> str:
    """``value`` as JSON (non-ASCII as it is) with every control character escaped,
    which ``json.dumps`` leaves raw past U+001F (C1, DEL, bidi controls)."""
    return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
