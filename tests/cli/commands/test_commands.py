"""The ``virtnum`` command line, run as a subprocess against a FakeServer."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from typing import Any

import pytest

from virtnum.cli import EXIT_CODES
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread

from ..._support import TOKEN, run_cli_on_a_terminal, user_env


def run(
    server: FakeServer, *args: str, stdin: str | None = None, token: str = TOKEN
) -> subprocess.CompletedProcess[str]:
    env = user_env(VIRTNUM_TOKEN=token, VIRTNUM_BASE_URL=server.url)
    return subprocess.run(
        [sys.executable, "-m", "virtnum", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_list_filters_and_csv(threaded_server: FakeServer) -> None:
    result = run(
        threaded_server,
        "numbers", "list", "--type", "def", "--type", "abc", "--purpose-ne", "not_specified",
        "--sort", "-number", "--format", "csv", "--fields", "id,number,type,purpose",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    want = sorted(
        (
            r
            for r in threaded_server.numbers.values()
            if r["type"] in ("def", "abc") and r["purpose"] != "not_specified"
        ),
        key=lambda r: r["number"],
        reverse=True,
    )
    assert [int(row["id"]) for row in rows] == [r["id"] for r in want]
    assert list(rows[0]) == ["id", "number", "type", "purpose"]
    query = dict(threaded_server.requests[-1].query)
    assert query["_sort"] == "number"
    assert query["_order"] == "desc"


def test_where_and_json_formats(threaded_server: FakeServer) -> None:
    result = run(threaded_server, "numbers", "list", "--where", "group_id=7", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == [
        r["id"] for r in threaded_server.numbers.values() if r["group_id"] == 7
    ]
    lines = run(threaded_server, "numbers", "list", "--format", "jsonl", "--fields", "id")
    assert [json.loads(line) for line in lines.stdout.splitlines()] == [
        {"id": i} for i in threaded_server.numbers
    ]


def test_table_format_shows_the_numbers(threaded_server: FakeServer) -> None:
    result = run(threaded_server, "numbers", "get", "3")
    assert result.returncode == 0, result.stderr
    assert threaded_server.numbers[3]["number"] in result.stdout


def test_get_reads_ids_from_stdin_and_keeps_order(threaded_server: FakeServer) -> None:
    result = run(
        threaded_server, "numbers", "get", "-", "--format", "csv", "--fields", "id", stdin="9 4\n7"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["id", "9", "4", "7"]
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


def test_outbound_is_the_seed_query(threaded_server: FakeServer) -> None:
    result = run(
        threaded_server, "numbers", "outbound", "--format", "jsonl", "--fields", "id,state"
    )
    assert result.returncode == 0, result.stderr
    assert all(json.loads(line)["state"] == "active" for line in result.stdout.splitlines())
    assert threaded_server.requests[-1].query == (
        ("purpose__ne", "not_specified"),
        ("state", "active"),
        ("type", "def"),
        ("type", "abc"),
    )


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "jsonl"])
def test_a_missing_id_prints_nothing_on_stdout(threaded_server: FakeServer, fmt: str) -> None:
    result = run(threaded_server, "numbers", "get", "999", "--format", fmt, token=TOKEN)
    assert result.returncode == 5
    assert result.stdout == ""
    assert "404" in result.stderr


@pytest.mark.parametrize(
    ("args", "token", "code", "words"),
    [
        (["numbers", "get", "999"], TOKEN, 5, "404"),
        (["numbers", "get", "1"], "wrong-token-XYZ", 3, "token"),
        (["numbers", "list", "--where", "bogus=1"], TOKEN, 2, "bogus"),
        (["numbers", "get", "abc"], TOKEN, 2, "not a number id"),
        (["numbers", "get", "1", "abc", "3", "0"], TOKEN, 2, "2 are not number ids: 'abc', '0'"),
        (["numbers", "list", "--fields", "nope"], TOKEN, 2, "unknown field"),
    ],
)
def test_errors_are_one_line_with_a_distinct_exit_code(
    threaded_server: FakeServer, args: list[str], token: str, code: int, words: str
) -> None:
    result = run(threaded_server, *args, token=token)
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("virtnum: error:")
    assert words in lines[0]
    assert token not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(threaded_server: FakeServer) -> None:
    result = run(threaded_server, "--debug", "numbers", "get", "999")
    assert result.returncode != 0
    assert "Traceback" in result.stderr
    assert "NotFoundError" in result.stderr


def test_connection_refused_has_its_own_code(threaded_server: FakeServer) -> None:
    env = user_env(VIRTNUM_TOKEN=TOKEN, VIRTNUM_BASE_URL="http://127.0.0.1:9")
    result = subprocess.run(
        [sys.executable, "-m", "virtnum", "--max-retries", "0", "numbers", "get", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        result.returncode == dict((cls.__name__, c) for cls, c in EXIT_CODES)["APIConnectionError"]
    )


def test_exit_codes_are_distinct() -> None:
    codes = [code for cls, code in EXIT_CODES if cls is not ValueError]
    assert len(codes) == len(set(codes))
    assert not {0, 1, 2} & set(codes)


BUFFERING = {"buffered": {}, "unbuffered": {"PYTHONUNBUFFERED": "1"}}
COMMANDS = {
    "list-jsonl": ["numbers", "list", "--format", "jsonl"],
    "list-small": ["numbers", "list", "--format", "jsonl", "--fields", "id"],
    "list-table": ["numbers", "list"],
    "get": ["numbers", "get", "1", "2", "3", "--format", "csv"],
    "outbound": ["numbers", "outbound", "--format", "json"],
    "demo": ["demo", "--numbers", "20"],
    "help": ["--help"],
    "version": ["--version"],
}


@pytest.mark.parametrize("buffering", BUFFERING)
@pytest.mark.parametrize("command", ["list-jsonl", "list-small"])
def test_a_pipe_closed_after_the_first_line_exits_quietly(
    threaded_server: FakeServer, command: str, buffering: str
) -> None:
    """`virtnum numbers list --format jsonl | head -1`, small output included."""
    env = user_env(
        VIRTNUM_TOKEN=TOKEN, VIRTNUM_BASE_URL=threaded_server.url, **BUFFERING[buffering]
    )
    with subprocess.Popen(
        [sys.executable, "-m", "virtnum", *COMMANDS[command]],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # like `| head -1`
        stderr = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    assert json.loads(first)["id"] == 1
    assert (code, stderr) == (0, "")


@pytest.mark.parametrize("buffering", BUFFERING)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_pipe_closed_before_any_output_exits_quietly(
    threaded_server: FakeServer, command: str, buffering: str
) -> None:
    """The reader is gone before the first byte: with buffered output the first write
    is the final flush, outside every command's own code."""
    env = user_env(
        VIRTNUM_TOKEN=TOKEN, VIRTNUM_BASE_URL=threaded_server.url, **BUFFERING[buffering]
    )
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "virtnum", *COMMANDS[command]],
            env=env,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")


def test_progress_bar_on_a_terminal() -> None:
    with serving_in_thread(FakeServer(200, token=TOKEN)) as server:
        server.faults.delay(0.01)
        ids = map(str, range(1, 201))
        code, _, drawn = run_cli_on_a_terminal(
            server, "numbers", "get", *ids, "--format", "csv", "--concurrency", "4"
        )
    assert code == 0
    assert "fetching" in drawn


def test_fake_server_command_then_outbound_csv() -> None:
    """The newcomer's path: `virtnum fake-server` in one terminal, the CLI in another."""
    with subprocess.Popen(
        [sys.executable, "-m", "virtnum", "fake-server", "--port", "0", "--numbers", "60"],
        env=user_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as server:
        try:
            assert server.stdout is not None
            exports = dict(
                server.stdout.readline().strip().removeprefix("export ").split("=", 1)
                for _ in range(2)
            )
            assert exports["VIRTNUM_BASE_URL"].startswith("http://127.0.0.1:")
            env = user_env(**exports)
            result = subprocess.run(
                [sys.executable, "-m", "virtnum", "numbers", "outbound", "--format", "csv"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    assert {row["state"] for row in rows} == {"active"}
    assert {row["type"] for row in rows} <= {"def", "abc"}


def test_fake_server_command_keeps_no_request_log(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-running `virtnum fake-server` must not grow with every request it serves:
    nothing can read its request log, so it keeps none."""
    import virtnum.testing
    from virtnum.cli import CannotListenError, exit_code, main

    built: list[FakeServer] = []

    class Recorded(FakeServer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            built.append(self)

        async def start(self) -> None:
            raise OSError(98, "Address already in use")

    monkeypatch.setattr(virtnum.testing, "FakeServer", Recorded)
    with pytest.raises(SystemExit) as stopped:
        main(["fake-server", "--port", "8999"])
    assert stopped.value.code == exit_code(CannotListenError("")) == 16
    assert len(built) == 1
    assert built[0]._record is False


def test_deadline_bounds_a_whole_call(threaded_server: FakeServer) -> None:
    threaded_server.faults.delay(10.0, count=1)
    started = time.monotonic()
    result = run(threaded_server, "--deadline", "0.5", "--timeout", "30", "numbers", "get", "1")
    assert time.monotonic() - started < 8
    assert result.returncode == 9, result.stderr
    assert "deadline of 0.5s" in result.stderr


def test_a_bad_deadline_names_the_flag(threaded_server: FakeServer) -> None:
    result = run(threaded_server, "--deadline", "0", "numbers", "get", "1")
    assert result.returncode == 2
    assert "--deadline" in result.stderr
    assert threaded_server.requests == []
