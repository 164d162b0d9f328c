"""VIRTNUM_LOG sends the virtnum logger to stderr, with personal query values masked;
at DEBUG a listing also says how many records it decoded, and how long that took."""

from __future__ import annotations

import pytest

from virtnum._logs import shown_url
from virtnum.testing import FakeServer

from ._support import TOKEN, run_python

SCRIPT = """
import sys
from virtnum import Client
with Client(sys.argv[2], base_url=sys.argv[1]) as client:
    client.numbers.list(number="79201234567", state="active")
    client.numbers.get(1)
"""


@pytest.mark.parametrize(("level", "lines"), [("debug", 3), ("info", 0), ("", 0), ("loud", 0)])
def test_virtnum_log(threaded_server: FakeServer, level: str, lines: int) -> None:
    result = run_python(SCRIPT, threaded_server.url, TOKEN, VIRTNUM_LOG=level)
    assert result.returncode == 0, result.stderr
    logged = [line for line in result.stderr.splitlines() if " virtnum " in line]
    assert len(logged) == lines, result.stderr
    assert TOKEN not in result.stderr
    assert "79201234567" not in result.stderr
    if lines:
        assert "number=***&state=active -> 200 attempt=1" in logged[0]
        assert " records of GET /numbers/virtual-number in " in logged[1]
        assert logged[1].split(" virtnum DEBUG ")[1].startswith("decoded ")
        assert "/numbers/virtual-number/1 -> 200" in logged[2]


def test_a_debug_lines_url_never_shows_a_password() -> None:
    shown = shown_url("http://user:pw-Q7@h/numbers", [("number", "79201234567"), ("a", "b")])
    assert shown == "http://user:***@h/numbers?number=***&a=b"
    assert shown_url("http://user:pw-Q7@h/numbers", None) == "http://user:***@h/numbers"
