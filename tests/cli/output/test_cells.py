"""The CLI's fast cells (one ``attrgetter`` per row, fixes by field kind) write exactly
what converting each record with ``to_dict`` and then formatting every value writes."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from virtnum import AvailableMobileNumber, VirtualNumber, to_dict
from virtnum._decode.structure import structure_one
from virtnum.cli.output.cells import Kind, Target, cell, kind_of, row_maker
from virtnum.cli.output.formats import Columns, render
from virtnum.models import VIRTUAL_NUMBER_FIELDS

from ..._strategies import records

FIELDS = st.lists(st.sampled_from(VIRTUAL_NUMBER_FIELDS), min_size=1, max_size=8, unique=True)


def reference(model: Any, names: list[str], target: Target) -> list[Any]:
    """The slow, obvious cells: the record's JSON form, then each value as text."""
    data = to_dict(model)
    values = [data.get(name) for name in names]
    if target is Target.JSON:
        return values
    return [cell(value, ";" if target is Target.CSV else ", ") for value in values]


def as_csv(row: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    return out.getvalue()


def test_each_field_has_the_kind_its_annotation_says() -> None:
    kinds = kind_of(VirtualNumber)
    assert kinds["id"] is kinds["comment"] is kinds["state"] is Kind.PLAIN
    assert kinds["is_scenario_active"] is Kind.FLAG
    assert kinds["from_redirect_numbers"] is Kind.NUMBERS
    assert kinds["extra"] is Kind.OTHER
    assert set(kind_of(AvailableMobileNumber).values()) == {Kind.PLAIN, Kind.OTHER}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(record=records(wrong=False), names=FIELDS)
def test_fast_cells_write_what_the_reference_writes(
    record: dict[str, Any], names: list[str]
) -> None:
    model = structure_one(record, VirtualNumber)
    for target in Target:
        fast = row_maker(VirtualNumber, names, target)(model)
        slow = reference(model, names, target)
        if target is Target.CSV:
            assert as_csv(fast) == as_csv(slow)
        elif target is Target.JSON:
            assert json.dumps(fast, ensure_ascii=False) == json.dumps(slow, ensure_ascii=False)
        else:
            assert fast == slow


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "table"])
def test_a_field_known_only_from_extra_keys_is_written_too(fmt: str) -> None:
    models = [
        structure_one({"id": 1, "state": "active", "colour": "red"}, VirtualNumber),
        structure_one({"id": 2, "is_scenario_active": True}, VirtualNumber),
    ]
    columns = Columns(("id", "colour", "is_scenario_active"))
    out = io.StringIO()
    assert render(models, fmt, columns, out) == 2
    text = out.getvalue()
    if fmt == "csv":
        assert text.splitlines() == ["id,colour,is_scenario_active", "1,red,", "2,,true"]
    elif fmt == "table":
        first, second = text.splitlines()[3:5]  # after the top rule, heading and rule
        assert "red" in first
        assert "true" not in first
        assert "true" in second
    else:
        data = json.loads(text) if fmt == "json" else [json.loads(x) for x in text.splitlines()]
        assert data == [
            {"id": 1, "colour": "red", "is_scenario_active": None},
            {"id": 2, "colour": None, "is_scenario_active": True},
        ]


def test_records_of_two_classes_in_one_stream_each_get_their_own_cells() -> None:
    mixed = [
        VirtualNumber(id=1, number="74950000001"),
        AvailableMobileNumber(id=2, number="79000000002", dgn_number="74950000002"),
    ]
    out = io.StringIO()
    render(mixed, "csv", ("id", "number", "dgn_number"), out)
    assert out.getvalue().splitlines()[1:] == ["1,74950000001,", "2,79000000002,74950000002"]
