"""The helpers of tests/_support.py: a child that hangs is ended, not waited for."""

from __future__ import annotations

import signal

from virtnum.testing import FakeServer

from ._support import run_cli_on_a_terminal


def test_a_child_that_outlives_its_time_on_a_terminal_is_killed(
    threaded_server: FakeServer,
) -> None:
    """``auth login`` waits for a token nobody types: the helper kills it at its deadline."""
    code, _, screen = run_cli_on_a_terminal(threaded_server, "auth", "login", seconds=1)
    assert "API token" in screen
    assert code == -signal.SIGKILL
