"""The cattrs path (structure.py): JSON -> models, from the documents' seed examples,
with unknown keys kept in ``extra`` and unknown enum values tolerated (its refusals:
test_structure_errors.py; the way back: test_unstructure.py)."""

from __future__ import annotations

import copy
import json
from typing import Any

import orjson
import pytest

from virtnum import NumberType, Purpose, RedirectNumber, State, VirtualNumber
from virtnum._decode.structure import structure_list, structure_one
from virtnum._decode.unstructure import to_dict as unstructure

from ._records import good_record, with_all_fields

# ---------------------------------------------------------------------------
# the seed examples


def test_seed_get_number_structures(seed_number: dict[str, Any]) -> None:
    number = structure_one(seed_number, VirtualNumber)
    assert isinstance(number, VirtualNumber)
    assert number.id == 123
    assert number.number == "79201234567"
    assert number.comment == "Заметка"
    assert number.type is NumberType.DEF
    assert number.purpose is Purpose.EMPLOYEE
    assert number.scenario_id == 779
    assert number.group_scenario_id is None
    assert number.group_id is None
    assert number.is_scenario_active is True
    assert number.is_group_scenario_active is None
    assert number.state is State.ACTIVE
    assert number.reason is None
    assert number.from_redirect_numbers == (
        RedirectNumber(id=678, number="78001234567"),
        RedirectNumber(id=249, number="74991234567"),
    )
    assert number.employee_id == 125
    assert number.dgn_number == "74991234567"
    assert number.region_name == "Московская область"
    assert number.nc_type == "custom+fmc"
    assert number.sip_uri is None
    assert number.redirect_number is None
    assert number.app_id == 1200054
    assert dict(number.extra) == {}


def test_seed_list_structures(seed_list: list[dict[str, Any]]) -> None:
    numbers = structure_list(seed_list, VirtualNumber)
    assert [n.id for n in numbers] == [250, 256]
    first, second = numbers
    assert first.number == "79208547433"
    assert first.comment == "ffff"
    assert first.purpose is Purpose.COMPANY
    assert first.region_name == "Брянская область"
    assert first.redirect_number == "74994088157"
    assert first.dgn_number is None  # absent from this example
    assert first.from_redirect_numbers == (RedirectNumber(id=249, number="74994088157"),)
    assert first.nc_type == "custom"
    assert second.number == "79267053890"
    assert second.comment is None
    assert second.scenario_id == 561
    assert second.is_scenario_active is True
    assert second.region_name == "регион Москва"
    assert second.redirect_number is None  # absent from this example
    assert second.dgn_number == "74954789551"
    assert second.from_redirect_numbers == (RedirectNumber(id=255, number="74954789551"),)
    assert second.app_id == 1200054
    assert second.nc_type == "custom"


def test_seed_outbound_structures(seed_outbound: list[dict[str, Any]]) -> None:
    numbers = structure_list(seed_outbound, VirtualNumber)
    assert len(numbers) == 1
    (number,) = numbers
    assert number.id == 250
    assert number.type is NumberType.DEF
    assert number.state is State.ACTIVE
    assert number.purpose is Purpose.EMPLOYEE
    assert number.region_name == "Брянская область"
    assert number.nc_type == "custom+fmc"
    assert number.from_redirect_numbers == (
        RedirectNumber(id=678, number="78009966666"),
        RedirectNumber(id=249, number="74994088157"),
    )


def test_structuring_does_not_modify_input(seed_list: list[dict[str, Any]]) -> None:
    before = copy.deepcopy(seed_list)
    structure_list(seed_list, VirtualNumber)
    assert seed_list == before


# ---------------------------------------------------------------------------
# unknown keys, "extra", duplicate keys


def test_unknown_keys_land_in_extra_and_are_unstructured_back() -> None:
    record = {"id": 1, "number": "79201234567", "login": "sip-user", "server_port": 5060}
    number = structure_one(record, VirtualNumber)
    assert dict(number.extra) == {"login": "sip-user", "server_port": 5060}
    assert number.number == "79201234567"
    data = unstructure(number)
    assert data["login"] == "sip-user"
    assert data["server_port"] == 5060
    assert data == with_all_fields({**record, "from_redirect_numbers": []})
    assert structure_one(data, VirtualNumber) == number


def test_unknown_keys_in_a_list() -> None:
    records = [{"id": 1}, {"id": 2, "new_field": [1, {"x": None}]}]
    numbers = structure_list(records, VirtualNumber)
    assert dict(numbers[0].extra) == {}
    assert dict(numbers[1].extra) == {"new_field": [1, {"x": None}]}
    assert unstructure(numbers)[1]["new_field"] == [1, {"x": None}]


def test_server_key_named_extra_goes_into_extra() -> None:
    record = {"id": 1, "extra": {"a": 1}, "other": "x"}
    number = structure_one(record, VirtualNumber)
    assert dict(number.extra) == {"extra": {"a": 1}, "other": "x"}
    data = unstructure(number)
    assert data["extra"] == {"a": 1}
    assert data["other"] == "x"
    assert structure_one(data, VirtualNumber) == number


def test_server_key_named_extra_holding_a_scalar() -> None:
    number = structure_one({"id": 1, "extra": "plain"}, VirtualNumber)
    assert dict(number.extra) == {"extra": "plain"}
    assert unstructure(number)["extra"] == "plain"


@pytest.mark.parametrize("loads", [json.loads, orjson.loads], ids=["json", "orjson"])
def test_duplicate_json_keys_last_one_wins(loads: Any) -> None:
    data = loads('{"id": 1, "dgn_number": "a", "dgn_number": "b"}')
    number = structure_one(data, VirtualNumber)
    assert number.dgn_number == "b"
    assert number.id == 1
    (listed,) = structure_list(
        loads('[{"id": 1, "dgn_number": "a", "dgn_number": "b"}]'), VirtualNumber
    )
    assert listed.dgn_number == "b"


# ---------------------------------------------------------------------------
# tolerant enums


def test_unknown_enum_values_do_not_fail_a_list() -> None:
    records = [good_record(i) for i in range(1, 101)]
    records[10]["state"] = "archived"
    records[20]["type"] = "mobile_5g"
    records[30]["purpose"] = "robot"
    numbers = structure_list(records, VirtualNumber)
    assert len(numbers) == 100
    assert numbers[10].state == "archived"
    assert numbers[10].state.value == "archived"
    assert isinstance(numbers[10].state, State)
    assert numbers[10].state.is_known is False
    assert numbers[20].type == "mobile_5g"
    assert isinstance(numbers[20].type, NumberType)
    assert numbers[30].purpose == "robot"
    assert numbers[11].state is State.ACTIVE
    back = unstructure(numbers)
    assert back[10]["state"] == "archived"
    assert back[20]["type"] == "mobile_5g"
    assert back[30]["purpose"] == "robot"


def test_cyrillic_company_in_json_becomes_company() -> None:
    number = structure_one({"id": 1, "purpose": "\u0441ompany"}, VirtualNumber)
    assert number.purpose is Purpose.COMPANY
    assert unstructure(number)["purpose"] == "company"
