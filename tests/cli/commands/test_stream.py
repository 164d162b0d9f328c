"""``numbers list`` streams: every format writes records as they come (with
``--page-size``, page by page), and the output is still complete and well formed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from virtnum import Client, VirtualNumber, to_dict
from virtnum.cli.output.formats import DEFAULT_FIELDS, Columns, parse_fields, render
from virtnum.cli.output.table import SAMPLE
from virtnum.models import VIRTUAL_NUMBER_FIELDS, NumberType, State
from virtnum.testing import FakeServer
from virtnum.testing.pytest_plugin import serving_in_thread

from ..._support import TOKEN, run_cli

COUNT = SAMPLE + 300  # more than the rows that decide the table's widths
PAGE_OPTIONS = {"one request": [], "pages of 97": ["--page-size", "97"]}


@pytest.fixture(scope="module")
def big_server() -> Iterator[FakeServer]:
    with serving_in_thread(FakeServer(COUNT, token=TOKEN)) as fake:
        yield fake


def expected_rows(server: FakeServer) -> list[dict[str, Any]]:
    return [
        {name: record.get(name) for name in DEFAULT_FIELDS} for record in server.numbers.values()
    ]


def listing(server: FakeServer, fmt: str, paging: str) -> str:
    result = run_cli(server, "numbers", "list", "--format", fmt, *PAGE_OPTIONS[paging])
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("paging", PAGE_OPTIONS)
def test_csv_has_one_header_and_every_number_once(big_server: FakeServer, paging: str) -> None:
    text = listing(big_server, "csv", paging)
    assert text.splitlines().count(",".join(DEFAULT_FIELDS)) == 1
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(row["id"]) for row in rows] == list(big_server.numbers)
    assert rows[5]["number"] == big_server.numbers[6]["number"]


@pytest.mark.parametrize("paging", PAGE_OPTIONS)
def test_jsonl_is_one_object_per_number(big_server: FakeServer, paging: str) -> None:
    lines = listing(big_server, "jsonl", paging).splitlines()
    assert [json.loads(line) for line in lines] == expected_rows(big_server)


@pytest.mark.parametrize("paging", PAGE_OPTIONS)
def test_json_is_one_valid_array_of_every_number(big_server: FakeServer, paging: str) -> None:
    assert json.loads(listing(big_server, "json", paging)) == expected_rows(big_server)


@pytest.mark.parametrize("paging", PAGE_OPTIONS)
def test_piped_table_has_one_heading_and_every_number_in_full(
    big_server: FakeServer, paging: str
) -> None:
    lines = listing(big_server, "table", paging).splitlines()
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if "│" in line]
    heading, rows = cells[0], cells[1:]
    assert heading == list(DEFAULT_FIELDS)
    assert sum(line.startswith("│ id ") for line in lines) == 1
    assert [int(row[0]) for row in rows] == list(big_server.numbers)  # past the sample too
    assert [row[1] for row in rows] == [r["number"] for r in big_server.numbers.values()]
    assert lines[0].startswith("┌")
    assert lines[-1].startswith("└")


def test_an_empty_listing_is_an_empty_array_and_a_bare_csv_header() -> None:
    out = io.StringIO()
    assert render(iter([]), "json", DEFAULT_FIELDS, out) == 0
    assert json.loads(out.getvalue()) == []
    out = io.StringIO()
    render(iter([]), "csv", DEFAULT_FIELDS, out)
    assert out.getvalue() == ",".join(DEFAULT_FIELDS) + "\n"


class Watched(io.StringIO):
    """Remembers how many models had been taken from the source at its first write."""

    def __init__(self, taken: list[int]) -> None:
        super().__init__()
        self.taken = taken
        self.at_first_write: int | None = None

    def write(self, text: str) -> int:
        if self.at_first_write is None:
            self.at_first_write = self.taken[0]
        return super().write(text)


def models(count: int, taken: list[int]) -> Iterator[VirtualNumber]:
    for i in range(1, count + 1):
        taken[0] = i
        yield VirtualNumber(id=i, number=f"7495{i:07d}", comment=f"n{i}")


@pytest.mark.parametrize(
    ("fmt", "ahead"), [("csv", 0), ("jsonl", 1), ("json", 1), ("table", SAMPLE + 1)]
)
def test_render_writes_before_reading_the_whole_source(fmt: str, ahead: int) -> None:
    taken = [0]
    out = Watched(taken)
    assert render(models(3 * SAMPLE, taken), fmt, DEFAULT_FIELDS, out) == 3 * SAMPLE
    assert out.at_first_write is not None
    assert out.at_first_write <= ahead


def test_the_values_of_chosen_fields_are_what_to_dict_gives(big_server: FakeServer) -> None:
    numbers = [VirtualNumber(id=1, type=NumberType.DEF, state=State.ACTIVE)]
    with Client(TOKEN, base_url=big_server.url) as client:
        numbers += client.numbers.list()[:200]
    columns = Columns(tuple(VIRTUAL_NUMBER_FIELDS))
    for number in numbers:
        whole = to_dict(number)
        assert columns.record(number) == {name: whole.get(name) for name in VIRTUAL_NUMBER_FIELDS}
    assert parse_fields("state,id").values(numbers[0]) == ["active", 1]
