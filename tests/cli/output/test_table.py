"""The CLI's table on a terminal (fits its width, ids and numbers whole) and in a pipe
(every value in full), and ``--fields all`` with the keys the SDK does not know."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from virtnum import Client, to_dict
from virtnum.cli.output.formats import parse_fields
from virtnum.cli.output.table import write_table
from virtnum.models import VIRTUAL_NUMBER_FIELDS
from virtnum.testing import FakeServer

from ..._support import TOKEN, run_cli, run_cli_on_a_terminal

LONG = "звонки с сайта и из рекламы, переадресация на отдел продаж по будням"


def lengthen(server: FakeServer) -> None:
    """Comments too long for 80 columns on every third number, one with control bytes."""
    for number_id, record in server.numbers.items():
        if number_id % 3 == 0:
            record["comment"] = f"{LONG} #{number_id}"
    server.numbers[1]["comment"] = "two\nlines and \x1b[31mred"


def table_rows(text: str) -> tuple[list[list[str]], list[str]]:
    """The data rows' cells of a drawn table, and its lines."""
    lines = text.splitlines()
    body = lines[lines.index(next(line for line in lines if line.startswith("├"))) + 1 : -1]
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in body], lines


def test_on_an_80_column_terminal_the_table_fits_and_keeps_ids_and_numbers_whole(
    threaded_server: FakeServer,
) -> None:
    lengthen(threaded_server)
    code, _, terminal = run_cli_on_a_terminal(threaded_server, "numbers", "list", columns=80)
    assert code == 0, terminal
    rows, lines = table_rows(terminal)
    assert max(map(len, lines)) <= 80
    assert max(map(len, lines)) >= 70  # the terminal's width is used
    first = [(row[0], row[1]) for row in rows if row[0]]
    assert first == [(str(i), r["number"]) for i, r in threaded_server.numbers.items()]
    assert any(not row[0] and row[-1] for row in rows)  # comments wrapped onto more lines
    assert "\x1b[31m" not in terminal


def test_a_piped_table_keeps_every_value_in_full(threaded_server: FakeServer) -> None:
    lengthen(threaded_server)
    result = run_cli(threaded_server, "numbers", "list")
    assert result.returncode == 0, result.stderr
    rows, lines = table_rows(result.stdout)
    assert len(rows) == len(threaded_server.numbers)  # one line each
    assert max(map(len, lines)) > 80
    for row, record in zip(rows, threaded_server.numbers.values(), strict=True):
        assert row[:2] == [str(record["id"]), record["number"]]
        if record["id"] % 3 == 0:
            assert row[-1] == record["comment"]
    assert rows[0][-1] == "two lines and ?[31mred"


def test_fields_all_on_a_terminal_prints_each_number_as_lines(threaded_server: FakeServer) -> None:
    code, _, terminal = run_cli_on_a_terminal(
        threaded_server, "numbers", "list", "--fields", "all", columns=80
    )
    assert code == 0, terminal
    lines = terminal.splitlines()
    assert max(map(len, lines)) <= 80
    numbers = [m.group(1) for line in lines if (m := re.fullmatch(r"number +(\d+)", line))]
    assert numbers == [r["number"] for r in threaded_server.numbers.values()]
    assert sum(line.startswith("sip_uri") for line in lines) == len(threaded_server.numbers)


@pytest.fixture
def with_extra_keys(threaded_server: FakeServer) -> FakeServer:
    threaded_server.numbers[2].update(x_new="v", z_new=3)
    threaded_server.numbers[5]["y_new"] = {"a": [1]}
    threaded_server.numbers[6]["x_new"] = "w"
    return threaded_server


def test_fields_all_exports_every_field_and_the_extra_keys(with_extra_keys: FakeServer) -> None:
    with Client(TOKEN, base_url=with_extra_keys.url) as client:
        expected = to_dict(client.numbers.list())
    jsonl = run_cli(with_extra_keys, "numbers", "list", "--fields", "all", "--format", "jsonl")
    assert jsonl.returncode == 0, jsonl.stderr
    assert [json.loads(line) for line in jsonl.stdout.splitlines()] == expected
    assert json.loads(jsonl.stdout.splitlines()[1])["z_new"] == 3
    whole = run_cli(with_extra_keys, "numbers", "list", "--fields", "all", "--format", "json")
    assert json.loads(whole.stdout) == expected
    table = run_cli(with_extra_keys, "numbers", "get", "5", "--fields", "all")
    assert "y_new" in table.stdout
    assert '{"a":[1]}' in table.stdout


def test_fields_all_in_csv_adds_the_extra_keys_as_columns(with_extra_keys: FakeServer) -> None:
    result = run_cli(with_extra_keys, "numbers", "list", "--fields", "ALL", "--format", "csv")
    assert result.returncode == 0, result.stderr
    reader = csv.reader(io.StringIO(result.stdout))
    header = next(reader)
    assert header == [*VIRTUAL_NUMBER_FIELDS, "x_new", "z_new", "y_new"]  # as first seen
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in reader}
    assert (rows["2"]["x_new"], rows["2"]["z_new"], rows["6"]["x_new"]) == ("v", "3", "w")
    assert rows["5"]["y_new"] == '{"a":[1]}'
    assert rows["1"]["x_new"] == rows["1"]["y_new"] == ""
    assert rows["1"]["number"] == with_extra_keys.numbers[1]["number"]


def draw(rows: list[list[str]], width: int | None, names: tuple[str, ...] = ()) -> str:
    out = io.StringIO()
    names = names or tuple(f"col{i}" for i in range(len(rows[0])))
    write_table(names, rows[:1], iter(rows[1:]), out, width)
    return out.getvalue()


def test_the_table_gives_way_in_text_columns_only() -> None:
    names = ("id", "number", "state", "comment")
    rows = [["123456789", "79001234567", "activation", " ".join(["word"] * 30)]]
    drawn = draw(rows, 50, names)
    assert max(map(len, drawn.splitlines())) == 50
    assert "│ 123456789 │ 79001234567 │ activati… │ word     │" in drawn
    assert drawn.count("word") == 30
    assert draw(rows, None, names).count(rows[0][3]) == 1
    wider = draw(rows, 60, names)
    assert "│ 123456789 │ 79001234567 │ activation │ word word word    │" in wider


def test_a_stream_wider_than_its_first_rows_widens_a_line_but_cuts_nothing() -> None:
    drawn = draw([["1", "a"], ["1234567", "b"]], 40, ("id", "comment"))
    assert "│ 1234567 │" in drawn


def test_an_ascii_output_gets_an_ascii_box() -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    write_table(("id",), [["1"]], iter(()), out, None)
    out.seek(0)
    assert out.read() == "+----+\n| id |\n+----+\n| 1  |\n+----+\n"


def test_fields_all_and_unknown_fields() -> None:
    assert parse_fields("all").extra
    assert parse_fields("id,number").names == ("id", "number")
    with pytest.raises(ValueError, match=r"unknown field\(s\): nope; .* \(or all\)"):
        parse_fields("id,nope")
