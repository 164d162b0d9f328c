"""Every failure to write is one line and exit 17 (nothing sent when it is known first):
an ``--report`` or ``--output`` that cannot be opened, a full disk, a closed stdout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from virtnum.cli import EXIT_CODES, OutputEncodingError, OutputError
from virtnum.testing import FakeServer

from ..._support import TOKEN, one_error_line, run_cli, user_env

CODES = {cls: code for cls, code in EXIT_CODES}


def run_to(server: FakeServer, stdout: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI with stdout opened on the file ``stdout`` (None: closed, as ``>&-``)."""
    target = open(stdout, "w") if stdout else None  # noqa: SIM115 - closed below
    try:
        return subprocess.run(
            [sys.executable, "-m", "virtnum", *args],
            env=user_env(VIRTNUM_TOKEN=TOKEN, VIRTNUM_BASE_URL=server.url),
            stdout=target,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            close_fds=True,
            preexec_fn=None if target else _close_stdout,
        )
    finally:
        if target:
            target.close()


def _close_stdout() -> None:
    import os

    os.close(1)


@pytest.mark.parametrize("where", ["no/such/dir/report.jsonl", "."])
def test_a_report_that_cannot_be_opened_sends_nothing(
    threaded_server: FakeServer, tmp_path: Path, where: str
) -> None:
    report = tmp_path / where
    result = run_cli(
        threaded_server, "numbers", "apply", "-", "--report", str(report),
        stdin="id,comment\n1,changed\n",
    )  # fmt: skip
    assert result.returncode == CODES[OutputError] == 17
    one_error_line(result.stderr, f"--report {report}", "nothing was sent")
    assert threaded_server.requests == []


@pytest.mark.parametrize(
    "command",
    [["list", "--format", "csv"], ["get", "1"], ["get", "1", "2", "--format", "jsonl"]],
)
def test_a_full_disk_is_one_line(threaded_server: FakeServer, command: list[str]) -> None:
    result = run_to(threaded_server, "/dev/full", "numbers", *command)
    assert result.returncode == 17
    one_error_line(result.stderr, "cannot write to stdout", "No space left on device")
    assert "Exception ignored" not in result.stderr


def test_a_closed_stdout_is_one_line(threaded_server: FakeServer) -> None:
    result = run_to(threaded_server, None, "numbers", "list", "--format", "csv")
    assert result.returncode == 17
    one_error_line(result.stderr, "stdout is closed")


def test_an_output_that_cannot_be_opened_is_one_line_before_any_request(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    path = tmp_path / "missing" / "numbers.csv"
    result = run_cli(threaded_server, "numbers", "get", "1", "--output", str(path))
    assert result.returncode == 17
    one_error_line(result.stderr, f"--output {path}")
    assert threaded_server.requests == []


def test_an_output_on_a_full_disk_is_one_line(threaded_server: FakeServer) -> None:
    result = run_cli(threaded_server, "numbers", "list", "--format", "xlsx", "-o", "/dev/full")
    assert result.returncode == 17
    one_error_line(result.stderr, "--output /dev/full", "No space left on device")


def test_output_encoding_writes_the_file_in_it(threaded_server: FakeServer, tmp_path: Path) -> None:
    threaded_server.numbers[1]["comment"] = "Ресепшн"
    path = tmp_path / "cp1251.csv"
    args = ["numbers", "get", "1", "--format", "csv", "--fields", "id,comment", "-o", str(path)]
    result = run_cli(threaded_server, *args, "--encoding", "cp1251", "--delimiter", ";")
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == "id;comment\n1;Ресепшн\n".encode("cp1251")
    threaded_server.numbers[1]["comment"] = "emoji 🙂"
    result = run_cli(threaded_server, *args, "--encoding", "cp1251")
    assert result.returncode == CODES[OutputEncodingError] == 15
    one_error_line(result.stderr, "--encoding", "utf-8-sig")
    assert not path.exists()  # no half-written file is left behind


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--format", "json", "--delimiter", ";"], "--delimiter goes with --format csv"),
        (["--format", "xlsx", "-o", "x.xlsx", "--encoding", "cp1251"], "--encoding"),
        (["--format", "csv", "--encoding", "klingon"], "unknown encoding"),
        (["--format", "csv", "--delimiter", "ab"], "'--delimiter'"),
    ],
)
def test_output_options_that_do_not_fit_are_refused_first(
    threaded_server: FakeServer, args: list[str], words: str
) -> None:
    result = run_cli(threaded_server, "numbers", "list", *args)
    assert result.returncode == 2
    one_error_line(result.stderr, words)
    assert threaded_server.requests == []
