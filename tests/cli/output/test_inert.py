"""Text from the server is inert: an error body or a comment carrying terminal escape
sequences (an OSC 52 clipboard write, a title change, a C1 CSI) reaches no CLI line
raw, be it an error line, a failure of a bulk command, a summary, ``--debug``'s
traceback or the plan of ``numbers apply``."""

from __future__ import annotations

import unicodedata

import pytest

from virtnum.cli.output.inert import clean, clean_lines, json_text
from virtnum.testing import FakeServer

from ..._support import run_cli

# As the server sends it: raw bytes (a proxy's page, a body that is not quite JSON).
ESCAPES = "\x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b]0;owned\x07 \x9b31m red \x1b[2J \x85"
BODY = ('{"error": "' + ESCAPES + '"}').encode()


def controls(text: str) -> list[str]:
    """The control characters of ``text`` other than its line breaks."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")]


@pytest.mark.parametrize(
    "args",
    [
        ["numbers", "get", "1"],
        ["numbers", "get", "1", "2", "3"],
        ["--debug", "numbers", "get", "1", "2"],
        ["--debug", "numbers", "list"],
    ],
)
def test_an_error_body_with_escape_sequences_is_shown_inert(
    threaded_server: FakeServer, args: list[str]
) -> None:
    threaded_server.faults.fail(400, body=BODY, count=1)
    result = run_cli(threaded_server, *args)
    assert result.returncode == 8, result.stderr
    assert "]52;c;ZWNobyBwd25lZA==" in result.stderr  # shown, as text
    assert controls(result.stderr) == []


def test_apply_shows_a_failed_write_and_the_plan_inert(threaded_server: FakeServer) -> None:
    (number_id,) = [i for i, r in threaded_server.numbers.items() if r["type"] == "def"][:1]
    threaded_server.numbers[number_id]["comment"] = "\x9b31m\x1b]0;t\x07\u202e"
    threaded_server.faults.delay(0, count=1)  # the read goes through, the write fails
    threaded_server.faults.fail(400, body=BODY, count=1)
    result = run_cli(threaded_server, "numbers", "apply", "-", stdin=f"id,comment\n{number_id},x\n")
    assert result.returncode == 14, result.stderr
    assert result.stdout == f'{number_id}\tcomment: "\\u009b31m\\u001b]0;t\\u0007\\u202e" → "x"\n'
    assert "]0;owned" in result.stderr
    assert controls(result.stderr) == []


def test_clean_replaces_controls_and_json_text_escapes_them() -> None:
    assert clean("a\x1b]0;t\x07\tb\x9bc\u202ed\u2028e") == "a?]0;t? b?c?d e"
    assert clean("Приёмная, доб. 12") == "Приёмная, доб. 12"
    assert clean_lines("one\x1b\ntwo\x07") == "one?\ntwo?"
    assert json_text("\x9b\x7f\n\u202e") == '"\\u009b\\u007f\\n\\u202e"'
