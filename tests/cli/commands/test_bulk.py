"""``get`` and ``delete`` of several ids do every id: what went is printed, each failure
is named on stderr with a summary, and the exit status is the first failure's."""

from __future__ import annotations

import json

from virtnum.testing import FakeServer

from ..._support import run_cli


def deletable(server: FakeServer, count: int) -> list[int]:
    return [i for i, r in server.numbers.items() if r["type"] != "abc"][:count]


def test_get_prints_every_number_found_past_a_missing_id(threaded_server: FakeServer) -> None:
    result = run_cli(
        threaded_server, "numbers", "get", "1", "999999", "2", "--format", "jsonl",
        "--fields", "id",
    )  # fmt: skip
    assert result.returncode == 5
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{"id": 1}, {"id": 2}]
    failure, summary = result.stderr.splitlines()
    assert failure.startswith("virtnum: error: id 999999: ")
    assert "404" in failure
    assert summary == "virtnum: 3 ids: 2 fetched, 1 failed"


def test_delete_goes_on_past_a_failure_and_says_so(threaded_server: FakeServer) -> None:
    first, last = deletable(threaded_server, 2)
    result = run_cli(
        threaded_server, "numbers", "delete", str(first), "999998", str(last), "--yes",
        "--format", "csv",
    )  # fmt: skip
    assert result.returncode == 5
    assert result.stdout.split() == ["id", str(first), str(last)]
    assert first not in threaded_server.numbers
    assert last not in threaded_server.numbers
    failure, summary = result.stderr.splitlines()
    assert failure.startswith("virtnum: error: id 999998: DELETE")
    assert summary == "virtnum: 3 ids: 2 deleted, 1 failed"


def test_a_refused_token_stops_the_run_and_names_the_ids_not_tried(
    threaded_server: FakeServer,
) -> None:
    ids = deletable(threaded_server, 3)
    result = run_cli(
        threaded_server, "numbers", "delete", *map(str, ids), "--yes",
        VIRTNUM_TOKEN="wrong-token-1234",
    )  # fmt: skip
    assert result.returncode == 3
    assert result.stdout == ""
    failure, summary = result.stderr.splitlines()
    assert "401" in failure
    assert summary == (
        f"virtnum: 3 ids: 0 deleted, 1 failed, 2 not tried ({ids[1]}, {ids[2]}): stopped "
        "early, every call would fail the same way (the token was refused)"
    )
    assert len(threaded_server.requests) == 1
    assert set(ids) <= set(threaded_server.numbers)


def test_get_of_ids_that_all_exist_prints_no_summary(threaded_server: FakeServer) -> None:
    result = run_cli(threaded_server, "numbers", "get", "3", "1", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["id", "3", "1"]
