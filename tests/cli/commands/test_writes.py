"""The CLI's write commands, run as subprocesses against a FakeServer."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from virtnum.cli import EXIT_CODES, RowsFailed
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread

from ..._records import first_of
from ..._support import TOKEN, run_cli, run_cli_on_a_terminal

PASSWORD = "sip-Pa55-very-secret"
SIP = ["74951112233", "--login", "trunk", "--server-host", "sip.example", "--server-port", "5060"]
README = (Path(__file__).parents[3] / "docs" / "cli.md").read_text(encoding="utf-8")


@pytest.fixture
def inactive_server() -> Iterator[FakeServer]:
    """A FakeServer whose added mobile numbers never leave activation."""
    with serving_in_thread(FakeServer(20, token=TOKEN, activation_delay=None)) as fake:
        yield fake


def writes(server: FakeServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in server.requests if r.method != "GET"]


def assert_one_error_line(stderr: str, words: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("virtnum: error:")
    assert words in lines[0]


def test_available_lists_the_capacity(threaded_server: FakeServer) -> None:
    result = run_cli(threaded_server, "numbers", "available", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["id", "number", "dgn_number", "state"]
    assert [row["id"] for row in rows] == list(threaded_server.capacity.available)
    assert rows[1]["dgn_number"] == ""  # the documents' "" is read as null
    result = run_cli(threaded_server, "numbers", "available", "--format", "jsonl", "--fields", "id")
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"id": number} for number in threaded_server.capacity.available
    ]
    assert threaded_server.requests[-1].path == "/numbers/def-virtual-number-capacity"
    bad = run_cli(threaded_server, "numbers", "available", "--fields", "comment")
    assert bad.returncode == 2
    assert_one_error_line(bad.stderr, "unknown field")


def test_update_sends_what_changes_and_the_purpose_a_mobile_number_needs(
    threaded_server: FakeServer,
) -> None:
    number_id = first_of(threaded_server, "def")
    purpose = threaded_server.numbers[number_id]["purpose"]
    result = run_cli(
        threaded_server,
        "numbers", "update", str(number_id), "--comment", "front desk", "--format", "jsonl",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    put = next(r for r in threaded_server.requests if r.method == "PUT")
    body = json.loads(put.body)
    assert body["comment"] == "front desk"
    assert body["purpose"] == purpose
    assert json.loads(result.stdout)["comment"] == "front desk"
    assert threaded_server.numbers[number_id]["comment"] == "front desk"


def test_update_purpose_employee_then_clear_the_comment(threaded_server: FakeServer) -> None:
    number_id = first_of(threaded_server, "def")
    args = ["numbers", "update", str(number_id), "--format", "json", "--fields", "id,purpose"]
    result = run_cli(threaded_server, *args, "--purpose", "employee", "--employee-id", "77")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"id": number_id, "purpose": "employee"}]
    assert threaded_server.numbers[number_id]["employee_id"] == 77
    threaded_server.numbers[number_id]["comment"] = "to be cleared"
    result = run_cli(threaded_server, "numbers", "update", str(number_id), "--clear-comment")
    assert result.returncode == 0, result.stderr
    assert threaded_server.numbers[number_id]["comment"] is None
    last_put = [r for r in threaded_server.requests if r.method == "PUT"][-1]
    assert json.loads(last_put.body) == {
        "id": number_id,
        "comment": None,
        "purpose": "employee",
        "employee_id": 77,
    }


def test_update_with_nothing_different_sends_no_write(threaded_server: FakeServer) -> None:
    number_id = first_of(threaded_server, "abc")
    comment = threaded_server.numbers[number_id]["comment"] or "same"
    threaded_server.numbers[number_id]["comment"] = comment
    result = run_cli(threaded_server, "numbers", "update", str(number_id), "--comment", comment)
    assert result.returncode == 0, result.stderr
    assert "nothing to change" in result.stderr
    assert writes(threaded_server) == []


def test_an_employee_id_on_a_number_not_on_employee_is_refused_in_flags(
    threaded_server: FakeServer,
) -> None:
    (number_id,) = [i for i, r in threaded_server.numbers.items() if r["purpose"] == "company"][:1]
    result = run_cli(threaded_server, "numbers", "update", str(number_id), "--employee-id", "3")
    assert result.returncode == 2, result.stderr
    assert "--employee-id goes only with --purpose employee" in result.stderr
    assert "purpose=" not in result.stderr
    assert writes(threaded_server) == []


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["update", "1", "--comment", "x", "--clear-comment"], 2, "exclude each other"),
        (["update", "1"], 2, "nothing to change"),
        (["update", "x1", "--comment", "x"], 2, "not a number id"),
        (["update", "1", "--purpose", "company", "--employee-id", "3"], 2,
         "--employee-id goes only with --purpose employee"),
        (["update", "1", "--purpose", "boss"], 2, "--purpose must be one of"),
        (["update", "999", "--comment", "x"], 5, "404"),
        (["delete", "0", "--yes"], 2, "not a number id: '0' (ids are positive integers)"),
        (["delete", "1", "x", "0", "--yes"], 2, "2 are not number ids: 'x', '0'"),
        (["add-mobile", "79001234567", "--dgn-number", "7495", "--purpose", "company"], 2, "dgn"),
        (["add-mobile", "79001234567", "--dgn-number", "74951234567", "--purpose", "employee"],
         2, "purpose"),
        (["add-mobile", "79990000000", "--dgn-number", "74951234567", "--purpose", "company"],
         8, "not available"),
        (["add-mobile", "79001234567", "--dgn-number", "74951234567", "--purpose", "company",
          "--wait", "--wait-timeout", "0"], 2, "wait-timeout"),
        (["add-sip", *SIP[:-1], "70000", "--password-stdin"], 2, "'--server-port'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_with_its_exit_code_and_sends_no_write(
    threaded_server: FakeServer, args: list[str], code: int, words: str
) -> None:
    result = run_cli(threaded_server, "numbers", *args, stdin=PASSWORD + "\n")
    assert result.returncode == code, result.stderr
    assert_one_error_line(result.stderr, words)
    assert PASSWORD not in result.stdout + result.stderr
    if code == 2:
        assert threaded_server.requests == []


def test_delete_with_yes_deletes_each_id(threaded_server: FakeServer) -> None:
    ids = [i for i, r in threaded_server.numbers.items() if r["type"] == "def"][:2]
    result = run_cli(
        threaded_server, "numbers", "delete", *map(str, ids), "--yes", "--format", "csv"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["id", *map(str, ids)]
    assert not set(ids) & set(threaded_server.numbers)
    assert writes(threaded_server) == [f"DELETE /numbers/virtual-number/{i}" for i in ids]


def test_delete_shows_what_went_before_a_refusal(threaded_server: FakeServer) -> None:
    mobile, city = first_of(threaded_server, "def"), first_of(threaded_server, "abc")
    result = run_cli(
        threaded_server, "numbers", "delete", str(mobile), str(city), "--yes", "--format", "jsonl"
    )
    assert result.returncode == 8
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{"id": mobile}]
    failure, summary = result.stderr.splitlines()
    assert_one_error_line(failure, f"id {city}: DELETE")
    assert "400" in failure
    assert summary == "virtnum: 2 ids: 1 deleted, 1 failed"
    assert city in threaded_server.numbers


def test_delete_without_yes_off_a_terminal_refuses_and_sends_nothing(
    threaded_server: FakeServer,
) -> None:
    result = run_cli(threaded_server, "numbers", "delete", "3", stdin="y\n")
    assert result.returncode == 2
    assert_one_error_line(result.stderr, "--yes")
    assert threaded_server.requests == []
    assert 3 in threaded_server.numbers


@pytest.mark.parametrize(("reply", "deleted"), [("y\n", True), ("n\n", False), ("\n", False)])
def test_delete_asks_on_a_terminal(threaded_server: FakeServer, reply: str, deleted: bool) -> None:
    number_id = first_of(threaded_server, "def")
    code, stdout, terminal = run_cli_on_a_terminal(
        threaded_server, "numbers", "delete", str(number_id), answers=[("[y/N]", reply)]
    )
    assert f"Delete 1 number(s): {number_id}?" in terminal
    assert (number_id not in threaded_server.numbers) is deleted
    if deleted:
        assert code == 0
        assert str(number_id) in stdout
    else:
        assert code == 1
        assert "nothing deleted" in terminal
        assert writes(threaded_server) == []


def test_add_mobile_and_wait_until_active(threaded_server: FakeServer) -> None:
    number = list(threaded_server.capacity.available)[2]
    result = run_cli(
        threaded_server,
        "numbers", "add-mobile", number, "--dgn-number", "74951234567", "--purpose", "company",
        "--comment", "new line", "--wait", "--wait-interval", "0.05",
        "--format", "json", "--fields", "number,state,comment",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"number": number, "state": "active", "comment": "new line"}
    ]
    assert number not in threaded_server.capacity.available
    assert writes(threaded_server) == ["POST /numbers/unconfirmed"]


def test_add_mobile_without_wait_prints_the_activating_number(inactive_server: FakeServer) -> None:
    number = next(iter(inactive_server.capacity.available))
    args = [number, "--dgn-number", "74951234567", "--purpose", "not_specified"]
    result = run_cli(inactive_server, "numbers", "add-mobile", *args, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["state"] == "activation"


def test_add_mobile_wait_timeout_has_its_own_exit_code(inactive_server: FakeServer) -> None:
    number = next(iter(inactive_server.capacity.available))
    result = run_cli(
        inactive_server,
        "numbers", "add-mobile", number, "--dgn-number", "74951234567", "--purpose", "company",
        "--wait", "--wait-timeout", "0.3", "--wait-interval", "0.05",
    )  # fmt: skip
    codes = {cls.__name__: code for cls, code in EXIT_CODES}
    assert result.returncode == codes["WaitTimeoutError"] == 13
    assert_one_error_line(result.stderr, "did not reach state active")
    assert "activation" in result.stderr


@pytest.mark.parametrize("source", ["stdin", "env"])
def test_add_sip_takes_the_password_from_stdin_or_the_environment(
    threaded_server: FakeServer, source: str
) -> None:
    if source == "stdin":
        result = run_cli(
            threaded_server, "numbers", "add-sip", *SIP, "--password-stdin", "--format", "jsonl",
            stdin=PASSWORD + "\n",
        )  # fmt: skip
    else:
        result = run_cli(
            threaded_server, "numbers", "add-sip", *SIP, "--format", "jsonl",
            VIRTNUM_SIP_PASSWORD=PASSWORD,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["type"] == "sip_registration"
    assert threaded_server.secrets[created["id"]] == PASSWORD
    assert json.loads(threaded_server.requests[-1].body)["password"] == PASSWORD
    assert PASSWORD not in result.stdout + result.stderr


def test_add_sip_prompts_for_a_hidden_password_on_a_terminal(threaded_server: FakeServer) -> None:
    code, stdout, terminal = run_cli_on_a_terminal(
        threaded_server,
        "numbers", "add-sip", *SIP, "--format", "jsonl",
        answers=[("SIP password", PASSWORD + "\n")],
    )  # fmt: skip
    assert code == 0, terminal
    created = json.loads(stdout)
    assert threaded_server.secrets[created["id"]] == PASSWORD
    assert PASSWORD not in stdout + terminal  # not echoed, not printed


def test_add_sip_without_a_password_source_refuses(threaded_server: FakeServer) -> None:
    result = run_cli(threaded_server, "numbers", "add-sip", *SIP, stdin="")
    assert result.returncode == 2
    assert_one_error_line(result.stderr, "--password-stdin")
    assert threaded_server.requests == []


def test_a_password_never_reaches_an_error_line(threaded_server: FakeServer) -> None:
    body = json.dumps({"error": f"bad password {PASSWORD}"}).encode()
    threaded_server.faults.fail(400, count=1, body=body)
    result = run_cli(
        threaded_server, "numbers", "add-sip", *SIP, "--password-stdin", stdin=PASSWORD
    )
    assert result.returncode == 8
    assert_one_error_line(result.stderr, "400")
    assert PASSWORD not in result.stdout + result.stderr
    assert "--password" not in run_cli(
        threaded_server, "numbers", "add-sip", "--help"
    ).stdout.replace("--password-stdin", "")


def test_the_new_exit_codes_are_documented() -> None:
    codes = {cls: code for cls, code in EXIT_CODES}
    assert codes[RowsFailed] == 14
    assert "13 wait timed out" in README
    assert "14 some rows of `apply` failed" in README
