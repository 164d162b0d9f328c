"""``virtnum numbers apply``: bulk edits from CSV or JSONL, as a plan, then the writes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from virtnum import NumberType, Purpose, VirtualNumber
from virtnum.cli.commands.plan import Change, plan_update
from virtnum.cli.commands.rows import read_rows, sniff
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread

from ..._records import ids_of, puts
from ..._support import TOKEN, applied, run_cli, run_cli_on_a_terminal, run_readme_bash

ROOT = Path(__file__).parents[3]


def report_of(path: Path) -> list[dict[str, Any]]:
    """The report's lines (written as each row finishes) in the order of the file's rows."""
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    return sorted(lines, key=lambda line: line["line"])


def test_plan_then_apply_then_nothing_to_change(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    first, second = ids_of(threaded_server, "def", 2)
    (city,) = ids_of(threaded_server, "abc", 1)
    threaded_server.numbers[first]["comment"] = "old"
    threaded_server.numbers[city]["comment"] = "same"
    purpose = threaded_server.numbers[first]["purpose"]
    edits = tmp_path / "edits.csv"
    edits.write_text(
        f"id,comment,purpose,employee_id\n{first},front desk,,\n{second},,employee,42\n"
        f"{city},same,,\n"
    )
    threaded_server.numbers[second].update(purpose="company", employee_id=None)
    dry = applied(threaded_server, str(edits), "--dry-run")
    assert dry.stdout.splitlines() == [
        f'{first}\tcomment: "old" → "front desk"',
        f'{second}\tpurpose: "company" → "employee"',
        f"{second}\temployee_id: null → 42",
    ]
    assert "dry run" in dry.stderr
    assert puts(threaded_server) == []

    report = tmp_path / "report.jsonl"
    done = applied(threaded_server, str(edits), "--report", str(report))
    assert done.stdout == dry.stdout
    assert report_of(report) == [
        {"id": first, "line": 2, "status": "ok", "error": None},
        {"id": second, "line": 3, "status": "ok", "error": None},
        {"id": city, "line": 4, "status": "unchanged", "error": None},
    ]
    assert {"id": first, "comment": "front desk", "purpose": purpose} in puts(threaded_server)
    assert threaded_server.numbers[first]["comment"] == "front desk"
    assert threaded_server.numbers[second]["employee_id"] == 42
    assert len(puts(threaded_server)) == 2

    again = applied(threaded_server, str(edits), "--report", str(report))
    assert again.stdout == "nothing to change\n"
    assert len(puts(threaded_server)) == 2
    assert {line["status"] for line in report_of(report)} == {"unchanged"}


def test_jsonl_null_clears_the_comment_and_an_empty_csv_cell_leaves_it(
    threaded_server: FakeServer,
) -> None:
    number_id, other = ids_of(threaded_server, "def", 2)
    threaded_server.numbers[number_id]["comment"] = "to clear"
    threaded_server.numbers[other]["comment"] = "kept"
    rows = f'{{"id": {number_id}, "comment": null}}\n\n'
    result = applied(threaded_server, "-", stdin=rows)
    assert result.stdout == f'{number_id}\tcomment: "to clear" → null\n'
    assert threaded_server.numbers[number_id]["comment"] is None
    applied(threaded_server, "-", stdin=f"id,comment,purpose\n{other},,company\n")
    assert threaded_server.numbers[other]["comment"] == "kept"
    assert threaded_server.numbers[other]["purpose"] == "company"


def test_bad_rows_are_errors_before_any_request_and_good_rows_still_go(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    good, dup, money, boss, bad_employee = ids_of(threaded_server, "def", 5)
    lines = [
        {"id": good, "comment": "fine"},
        {"id": "x7", "comment": "a"},
        {"id": 0, "comment": "a"},
        {"id": boss, "purpose": "boss"},
        {"id": bad_employee, "purpose": "employee", "employee_id": "x"},
        {"id": money, "purpose": "company", "employee_id": 5},
        {"id": dup, "colour": "red"},
        {"id": good, "comment": "twice"},
        {"id": 999},
        {"id": 4242, "comment": "a"},
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n[1]\n"
    report = tmp_path / "report.jsonl"
    result = run_cli(threaded_server, "numbers", "apply", "-", "--report", str(report), stdin=text)
    assert result.returncode == 14
    statuses = [(line["id"], line["status"]) for line in report_of(report)]
    assert statuses == [(good, "ok")] + [(line["id"], "error") for line in lines[1:]] + [
        (None, "error"),
        (None, "error"),
    ]
    errors = [line["error"] for line in report_of(report)]
    assert "not a number id" in errors[1]
    assert "purpose must be one of" in errors[3]
    assert "employee_id" in errors[4]
    assert "goes only with purpose employee" in errors[5]
    assert "unknown key(s): colour" in errors[6]
    assert "also on line 1" in errors[7]
    assert "nothing to change" in errors[8]
    assert "404" in errors[9]
    assert threaded_server.numbers[good]["comment"] == "fine"
    asked = {r.path for r in threaded_server.requests}
    assert asked == {f"/numbers/virtual-number/{good}", "/numbers/virtual-number/4242"}
    assert "line 2 (id x7): not a number id" in result.stderr
    assert "line 11: not a JSON object" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "virtnum: error: 11 of 12 row(s) failed"


def test_an_edit_the_documents_refuse_is_that_rows_error_in_the_plan(
    threaded_server: FakeServer,
) -> None:
    """What the documents refuse (a city number on purpose employee) fails in the plan,
    the dry run's included, and nothing is sent for it; the other rows still go."""
    (city,) = ids_of(threaded_server, "abc", 1)
    (mobile,) = ids_of(threaded_server, "def", 1)
    text = f"id,purpose,employee_id,comment\n{city},employee,7,\n{mobile},,,new\n"
    dry = run_cli(threaded_server, "numbers", "apply", "-", "--dry-run", stdin=text)
    assert dry.returncode == 14
    assert "1 to change, 0 unchanged, 1 failed" in dry.stderr
    result = run_cli(threaded_server, "numbers", "apply", "-", stdin=text)
    assert result.returncode == 14
    assert f"(id {city}): a abc number takes only comment and purpose" in result.stderr
    assert [r.path for r in threaded_server.requests if r.method == "PUT"] == [
        f"/numbers/virtual-number/{mobile}"
    ]
    assert threaded_server.numbers[mobile]["comment"] == "new"


@pytest.mark.parametrize("kind", ["toll_free", "sip_redirection"])
def test_a_purpose_on_a_type_the_documents_do_not_describe_is_sent(
    threaded_server: FakeServer, kind: str
) -> None:
    (number,) = ids_of(threaded_server, kind, 1)
    threaded_server.numbers[number]["purpose"] = "not_specified"
    text = f"id,purpose\n{number},company\n"
    applied(threaded_server, "-", stdin=text)
    assert puts(threaded_server) == [{"id": number, "purpose": "company"}]
    assert threaded_server.numbers[number]["purpose"] == "company"


def test_a_row_repeating_employee_with_no_employee_id_fails_in_the_plan_and_sends_nothing(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    (city,) = ids_of(threaded_server, "abc", 1)
    (mobile,) = ids_of(threaded_server, "def", 1)
    threaded_server.numbers[city].update(purpose="employee", employee_id=None, comment="old")
    threaded_server.numbers[mobile]["comment"] = "old"
    text = f"id,comment\n{city},front desk\n{mobile},new\n"
    dry = run_cli(threaded_server, "numbers", "apply", "-", "--dry-run", stdin=text)
    assert dry.returncode == 14
    assert dry.stdout == f'{mobile}\tcomment: "old" → "new"\n'
    assert f"(id {city}): employee_id is required" in dry.stderr
    assert "pass employee_id or another purpose" in dry.stderr
    report = tmp_path / "report.jsonl"
    done = run_cli(threaded_server, "numbers", "apply", "-", "--report", str(report), stdin=text)
    assert done.returncode == 14
    city_line, mobile_line = report_of(report)
    assert (city_line["status"], mobile_line["status"]) == ("error", "ok")
    assert "pass employee_id or another purpose" in city_line["error"]
    assert [body["id"] for body in puts(threaded_server)] == [mobile]
    assert threaded_server.numbers[city]["comment"] == "old"


@pytest.mark.parametrize(
    ("text", "args", "words"),
    [
        ("id,colour\n1,red\n", [], "unknown: colour"),
        ("comment\nx\n", [], "must have id"),
        ("id,comment\n1,x\n", ["--dry-run", "--report", "r.jsonl"], "--report"),
    ],
)
def test_a_bad_file_or_option_is_refused_before_any_request(
    threaded_server: FakeServer, text: str, args: list[str], words: str
) -> None:
    result = run_cli(threaded_server, "numbers", "apply", "-", *args, stdin=text)
    assert result.returncode == 2
    assert words in result.stderr
    assert threaded_server.requests == []


def test_a_missing_file_is_one_error_line(threaded_server: FakeServer, tmp_path: Path) -> None:
    result = run_cli(threaded_server, "numbers", "apply", str(tmp_path / "nope.csv"))
    assert result.returncode == 2
    assert result.stderr.startswith("virtnum: error: cannot read")
    assert len(result.stderr.splitlines()) == 1


def test_a_wrong_token_stops_the_run_with_its_own_code(threaded_server: FakeServer) -> None:
    result = run_cli(
        threaded_server,
        "numbers",
        "apply",
        "-",
        stdin="id,comment\n1,x\n",
        VIRTNUM_TOKEN="wrong-token",
    )
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1


def test_concurrency_bounds_the_writes_and_a_terminal_shows_progress(tmp_path: Path) -> None:
    with serving_in_thread(FakeServer(40, token=TOKEN)) as server:
        ids = list(server.numbers)[:24]
        edits = tmp_path / "edits.jsonl"
        edits.write_text("".join(json.dumps({"id": i, "comment": f"c{i}"}) + "\n" for i in ids))
        server.faults.delay(0.03)
        code, stdout, terminal = run_cli_on_a_terminal(
            server, "numbers", "apply", str(edits), "--concurrency", "3"
        )
        assert code == 0, terminal
        assert server.peak_in_flight <= 3
        assert [server.numbers[i]["comment"] for i in ids] == [f"c{i}" for i in ids]
    assert len(stdout.splitlines()) == 24
    assert "applying" in terminal or "reading" in terminal


def test_the_readme_apply_block_runs_against_a_fake_server(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    readme = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```bash\n(.*?)```", readme, re.DOTALL) if "apply" in b]
    result = run_readme_bash(block, threaded_server, tmp_path)
    assert result.returncode == 0, result.stderr
    assert {line["status"] for line in report_of(tmp_path / "report.jsonl")} == {"ok"}
    assert result.stdout.endswith("nothing to change\n")
    assert 'comment: null → "front desk"' in result.stdout
    assert TOKEN not in result.stdout + result.stderr


# ---------------------------------------------------------------------------
# the pure parts: rows and plans


def test_csv_rows_with_a_byte_order_mark_extra_cells_and_employee_ids() -> None:
    rows = read_rows("\ufeffid,employee_id,purpose\n 5 ,42,employee\n6,7,employee,x\n7,,\n", "csv")
    assert rows[0].id == 5
    assert rows[0].wanted == {"employee_id": 42, "purpose": "employee"}
    assert rows[1].error == "more cells than the header has columns"
    assert rows[2].error is not None
    assert "nothing to change" in rows[2].error
    assert [row.line for row in rows] == [2, 3, 4]


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("a.csv", '{"id": 1}', "jsonl"),
        ("a.txt", '[{"id": 1}]', "jsonl"),
        ("a.csv", "id\n", "csv"),
        ("a.jsonl", "id\n", "jsonl"),
        ("-", '  {"id": 1}\n', "jsonl"),
        ("-", "id,comment\n", "csv"),
    ],
)
def test_the_format_is_the_first_character_or_the_suffix(name: str, text: str, kind: str) -> None:
    assert sniff(name, text) == kind


def test_a_plan_keeps_what_differs_and_adds_what_the_api_wants() -> None:
    mobile = VirtualNumber(
        id=3, type=NumberType.DEF, purpose=Purpose.EMPLOYEE, employee_id=9, comment="a"
    )
    plan = plan_update(mobile, {"comment": "b", "purpose": "employee"})
    assert plan.changes == (Change("comment", "a", "b"),)
    assert plan.kwargs == {"comment": "b", "purpose": "employee", "employee_id": 9}
    assert str(plan.changes[0]) == 'comment: "a" → "b"'
    assert plan_update(mobile, {"comment": "a", "employee_id": 9}).changes == ()
    city = VirtualNumber(id=4, type=NumberType.ABC, purpose=Purpose.COMPANY)
    assert plan_update(city, {"comment": None}).kwargs == {}
    assert plan_update(city, {"comment": "x"}).kwargs == {"purpose": "company", "comment": "x"}
    with pytest.raises(ValueError, match="employee_id is required"):
        plan_update(VirtualNumber(id=5, type=NumberType.DEF), {"purpose": "employee"})
    unassigned = VirtualNumber(id=6, type=NumberType.DEF, purpose=Purpose.EMPLOYEE)
    assert plan_update(unassigned, {"employee_id": 42}).kwargs == {
        "purpose": "employee",
        "employee_id": 42,
    }
    # a city number takes no employee_id of its own: only the one on record, repeated
    city_unassigned = VirtualNumber(id=7, type=NumberType.ABC, purpose=Purpose.EMPLOYEE)
    with pytest.raises(ValueError, match="takes only comment and purpose, not employee_id"):
        plan_update(city_unassigned, {"employee_id": 42})
