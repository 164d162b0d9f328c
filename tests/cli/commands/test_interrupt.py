"""An interrupted bulk command keeps its record: a Ctrl-C in ``numbers get`` of many ids
leaves every number fetched in the output (the CSV header first), one in ``numbers
apply`` leaves every finished row in ``--report``; both say what was and was not done
in their usual summary line and exit 130."""

from __future__ import annotations

import csv
import json
import signal
from pathlib import Path

import pytest

from virtnum.testing import FakeServer

from ..._support import start_cli, wait_for


@pytest.mark.parametrize("where", ["stdout", "--output"])
def test_ctrl_c_in_get_keeps_every_number_fetched(
    threaded_server: FakeServer, tmp_path: Path, where: str
) -> None:
    ids = [str(i) for i in range(1, 21)]
    # id 3 never answers: the numbers after it come in, and wait behind it for their turn
    threaded_server.faults.delay(60).paths = ("/numbers/virtual-number/3",)
    path = tmp_path / "out.csv"
    args = ["numbers", "get", *ids, "--format", "csv", "--fields", "id,comment"]
    args += ["--concurrency", "2"]
    with path.open("w") as out:
        if where == "--output":
            args += ["--output", str(path)]
        proc = start_cli(threaded_server, *args, stdout=out)
    with proc:
        wait_for(
            lambda: len(threaded_server.requests) == 20 and threaded_server.in_flight == 1,
            "every id asked, only id 3 unanswered",
        )
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    *_, summary, last = stderr.splitlines()
    assert last == "virtnum: interrupted"
    head, _, not_done = summary.partition(" not done (")
    left = not_done.removesuffix(")").split(", ")
    assert "3" in left
    assert head == f"virtnum: 20 ids: {20 - len(left)} fetched, 0 failed, {len(left)}"
    header, *rows = list(csv.reader(path.read_text().splitlines()))
    assert header == ["id", "comment"]
    assert [row[0] for row in rows] == [i for i in ids if i not in left]


def test_ctrl_c_in_apply_leaves_every_finished_row_in_the_report(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    ids = [i for i, r in threaded_server.numbers.items() if r["type"] == "def"][:10]
    edits = tmp_path / "edits.csv"
    edits.write_text("id,comment\n" + "".join(f"{i},edited {i}\n" for i in ids))
    # the 10 reads and 4 writes are answered, every later request hangs
    threaded_server.faults.delay(0, count=14)
    threaded_server.faults.delay(60)
    report = tmp_path / "report.jsonl"
    args = ["numbers", "apply", str(edits), "--report", str(report), "--concurrency", "2"]
    with start_cli(threaded_server, *args) as proc:
        wait_for(lambda: report.exists() and report.read_text().count("\n") == 4, "4 rows")
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert {line["status"] for line in lines} == {"ok"}
    done = {line["id"] for line in lines}
    assert len(done) == 4
    edited = {i for i in ids if threaded_server.numbers[i]["comment"] == f"edited {i}"}
    assert edited == done
    assert stdout.count("\tcomment: ") == 10  # the whole plan was printed first
    *_, summary, last = stderr.splitlines()
    assert summary == (
        "10 row(s): 4 changed, 0 unchanged, 0 failed, 6 not done "
        "(interrupted: run the same file again)"
    )
    assert last == "virtnum: interrupted"
