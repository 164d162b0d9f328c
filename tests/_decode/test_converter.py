"""The converter: JSON -> models and back, tolerant on values, strict on types."""

from __future__ import annotations

import copy
import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from virtnum import (
    NumberType,
    Purpose,
    RedirectNumber,
    ResponseValidationError,
    State,
    VirtualNumber,
)
from virtnum._decode.structure import structure_list, structure_one
from virtnum._decode.unstructure import to_dict as unstructure
from virtnum.models import VIRTUAL_NUMBER_FIELDS

SECRET_VALUE = "79990001122"


def _with_all_fields(record: dict[str, Any]) -> dict[str, Any]:
    """The record as the SDK gives it back: every documented field present, missing ones None."""
    return {**dict.fromkeys(VIRTUAL_NUMBER_FIELDS), **record}


def _good(i: int) -> dict[str, Any]:
    return {"id": i, "number": f"7920{i:07d}", "type": "def", "state": "active"}


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
# round trips


def test_seed_round_trip_json_to_model_to_json(
    seed_number: dict[str, Any],
    seed_list: list[dict[str, Any]],
    seed_outbound: list[dict[str, Any]],
) -> None:
    """unstructure(structure(x)) equals x, except that every documented field the example
    leaves out (``dgn_number``, ``redirect_number``, ...) comes back present as ``None``.
    """
    assert unstructure(structure_one(seed_number, VirtualNumber)) == _with_all_fields(seed_number)
    for records in (seed_list, seed_outbound):
        back = unstructure(structure_list(records, VirtualNumber))
        assert back == [_with_all_fields(r) for r in records]
        assert type(back) is list
        assert all(type(r["from_redirect_numbers"]) is list for r in back)


def test_seed_round_trip_model_to_json_to_model(
    seed_number: dict[str, Any], seed_list: list[dict[str, Any]]
) -> None:
    for record in [seed_number, *seed_list]:
        model = structure_one(record, VirtualNumber)
        assert structure_one(unstructure(model), VirtualNumber) == model
        text = json.dumps(unstructure(model), ensure_ascii=False)
        assert structure_one(json.loads(text), VirtualNumber) == model


def test_unstructure_uses_plain_json_types(seed_number: dict[str, Any]) -> None:
    data = unstructure(structure_one(seed_number, VirtualNumber))
    assert type(data) is dict
    assert type(data["type"]) is str
    assert type(data["purpose"]) is str
    assert type(data["state"]) is str
    assert data["from_redirect_numbers"] == [
        {"id": 678, "number": "78001234567"},
        {"id": 249, "number": "74991234567"},
    ]
    assert "extra" not in data


def test_null_redirects_become_empty_tuple_and_unstructure_as_empty_list() -> None:
    """``from_redirect_numbers: null`` is read as ``()`` and written back as ``[]``."""
    number = structure_one({"id": 5, "from_redirect_numbers": None}, VirtualNumber)
    assert number.from_redirect_numbers == ()
    assert unstructure(number)["from_redirect_numbers"] == []


def test_minimal_record_only_id() -> None:
    number = structure_one({"id": 9}, VirtualNumber)
    assert number == VirtualNumber(id=9)
    assert unstructure(number) == _with_all_fields({"id": 9, "from_redirect_numbers": []})


def test_unstructure_redirect_number() -> None:
    assert unstructure(RedirectNumber(id=1, number="7")) == {"id": 1, "number": "7"}
    assert structure_one({"id": 1, "number": "7"}, RedirectNumber) == RedirectNumber(1, "7")


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
    assert data == _with_all_fields({**record, "from_redirect_numbers": []})
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
    records = [_good(i) for i in range(1, 101)]
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


# ---------------------------------------------------------------------------
# validation errors


def _errors_of_list(records: Any) -> ResponseValidationError:
    with pytest.raises(ResponseValidationError) as info:
        structure_list(records, VirtualNumber)
    return info.value


def test_missing_id_is_named() -> None:
    err = _errors_of_list([{"id": 1}, {"number": "1"}])
    assert err.errors == (("$[1].id", "required field missing"),)
    assert err.partial == [VirtualNumber(id=1)]
    assert "$[1].id" in str(err)


@pytest.mark.parametrize(
    ("record", "path"),
    [
        ({"id": "1"}, "$[0].id"),
        ({"id": True}, "$[0].id"),
        ({"id": False}, "$[0].id"),
        ({"id": 1.0}, "$[0].id"),
        ({"id": None}, "$[0].id"),
        ({"id": 1, "type": 5}, "$[0].type"),
        ({"id": 1, "state": True}, "$[0].state"),
        ({"id": 1, "number": 79201234567}, "$[0].number"),
        ({"id": 1, "scenario_id": "779"}, "$[0].scenario_id"),
        ({"id": 1, "app_id": True}, "$[0].app_id"),
        ({"id": 1, "is_scenario_active": 1}, "$[0].is_scenario_active"),
        ({"id": 1, "is_scenario_active": "true"}, "$[0].is_scenario_active"),
        ({"id": 1, "from_redirect_numbers": {}}, "$[0].from_redirect_numbers"),
        ({"id": 1, "from_redirect_numbers": {"id": 1}}, "$[0].from_redirect_numbers"),
        ({"id": 1, "from_redirect_numbers": "x"}, "$[0].from_redirect_numbers"),
    ],
)
def test_wrong_types_are_rejected_with_path(record: dict[str, Any], path: str) -> None:
    err = _errors_of_list([record])
    assert [p for p, _ in err.errors] == [path]
    assert err.partial == []
    with pytest.raises(ResponseValidationError) as info:
        structure_one(record, VirtualNumber)
    assert [p for p, _ in info.value.errors] == [path.replace("$[0]", "$")]


def test_problem_texts_name_the_expected_type() -> None:
    err = _errors_of_list(
        [
            {"id": "1"},
            {"id": True},
            {"id": 1, "type": 5},
            {"id": 1, "from_redirect_numbers": {}},
        ]
    )
    assert err.errors == (
        ("$[0].id", "expected integer, got string"),
        ("$[1].id", "expected integer, got boolean"),
        ("$[2].type", "expected string, got integer"),
        ("$[3].from_redirect_numbers", "expected array or null, got object"),
    )


def test_nested_redirect_with_bad_id_is_named() -> None:
    records = [
        {"id": 1, "from_redirect_numbers": [{"id": 2, "number": "1"}]},
        {"id": 3, "from_redirect_numbers": [{"id": "x", "number": "1"}, {"id": 4}]},
    ]
    err = _errors_of_list(records)
    assert [p for p, _ in err.errors] == ["$[1].from_redirect_numbers[0].id"]
    assert [n.id for n in err.partial] == [1]


def test_nested_redirect_problems_at_several_indexes() -> None:
    records = [
        {
            "id": 1,
            "from_redirect_numbers": [
                {"id": 1},
                {"number": "1"},
                "not an object",
                {"id": 2, "number": 5},
            ],
        }
    ]
    err = _errors_of_list(records)
    assert [p for p, _ in err.errors] == [
        "$[0].from_redirect_numbers[1].id",
        "$[0].from_redirect_numbers[2]",
        "$[0].from_redirect_numbers[3].number",
    ]


@pytest.mark.parametrize("record", [5, "x", None, [], [{"id": 1}], True])
def test_non_object_record_is_named(record: Any) -> None:
    err = _errors_of_list([{"id": 1}, record])
    assert len(err.errors) == 1
    path, problem = err.errors[0]
    assert path == "$[1]"
    assert "expected an object" in problem
    assert err.partial == [VirtualNumber(id=1)]


def test_structure_one_of_non_object() -> None:
    with pytest.raises(ResponseValidationError) as info:
        structure_one([{"id": 1}], VirtualNumber)
    assert info.value.errors == (("$", "expected an object, got array"),)


@pytest.mark.parametrize("data", [{"id": 1}, "x", 1, None])
def test_top_level_non_array_where_list_expected(data: Any) -> None:
    err = _errors_of_list(data)
    assert len(err.errors) == 1
    assert err.errors[0][0] == "$"
    assert err.errors[0][1].startswith("expected array")
    assert err.partial == []


def test_empty_list_is_fine() -> None:
    assert structure_list([], VirtualNumber) == []


def test_every_bad_record_is_named_and_good_ones_kept_in_order() -> None:
    records: list[Any] = [_good(i) for i in range(1, 1001)]
    records[3] = {"number": "1"}
    records[500] = {"id": 501, "is_scenario_active": "yes"}
    records[999] = {"id": 1000, "from_redirect_numbers": [{"id": 1}, {"id": "2"}]}
    err = _errors_of_list(records)
    assert err.errors == (
        ("$[3].id", "required field missing"),
        ("$[500].is_scenario_active", "expected boolean, got string"),
        ("$[999].from_redirect_numbers[1].id", "expected integer, got string"),
    )
    expected_ids = [i for i in range(1, 1001) if i not in (4, 501, 1000)]
    assert [n.id for n in err.partial] == expected_ids
    assert err.partial == [
        structure_one(r, VirtualNumber) for i, r in enumerate(records) if i not in (3, 500, 999)
    ]
    assert str(err).startswith("3 of 1000 records")


def test_several_problems_in_one_record_are_all_named() -> None:
    err = _errors_of_list([{"id": "1", "type": 5, "is_scenario_active": "x"}])
    assert {p for p, _ in err.errors} == {
        "$[0].id",
        "$[0].type",
        "$[0].is_scenario_active",
    }


def test_message_lists_at_most_ten_problems() -> None:
    records = [{"id": str(i)} for i in range(12)]
    err = _errors_of_list(records)
    assert len(err.errors) == 12
    assert "$[9].id" in str(err)
    assert "$[10].id" not in str(err)
    assert "and 2 more" in str(err)


@pytest.mark.parametrize(
    "bad",
    [
        {"id": SECRET_VALUE},
        {"id": 1, "number": int(SECRET_VALUE)},
        {"id": 1, "comment": [SECRET_VALUE]},
        {"id": 1, "dgn_number": {"n": SECRET_VALUE}},
        {"id": 1, "is_scenario_active": SECRET_VALUE},
        {"id": 1, "type": int(SECRET_VALUE)},
        {"id": 1, "scenario_id": SECRET_VALUE},
        {"id": 1, "from_redirect_numbers": SECRET_VALUE},
        {"id": 1, "from_redirect_numbers": {"number": SECRET_VALUE}},
        {"id": 1, "from_redirect_numbers": [SECRET_VALUE]},
        {"id": 1, "from_redirect_numbers": [{"id": SECRET_VALUE}]},
        {"id": 1, "from_redirect_numbers": [{"id": 1, "number": int(SECRET_VALUE)}]},
        SECRET_VALUE,
        [SECRET_VALUE],
    ],
)
def test_error_messages_never_contain_the_bad_value(bad: Any) -> None:
    with pytest.raises(ResponseValidationError) as info:
        structure_list([{"id": 5}, bad], VirtualNumber)
    err = info.value
    assert err.errors
    assert SECRET_VALUE not in str(err)
    assert SECRET_VALUE not in repr(err)
    assert all(SECRET_VALUE not in f"{p} {q}" for p, q in err.errors)
    with pytest.raises(ResponseValidationError) as one:
        structure_one(bad, VirtualNumber)
    assert one.value.errors
    assert SECRET_VALUE not in str(one.value)


def test_top_level_error_never_contains_the_value() -> None:
    with pytest.raises(ResponseValidationError) as info:
        structure_list({"id": SECRET_VALUE}, VirtualNumber)
    assert SECRET_VALUE not in str(info.value)


def test_response_validation_error_is_a_value_of_the_error_tree() -> None:
    from virtnum import APIError, VirtnumError

    err = _errors_of_list([{"id": "x"}])
    assert isinstance(err, APIError)
    assert isinstance(err, VirtnumError)


# ---------------------------------------------------------------------------
# property: model -> JSON -> model

_ids = st.integers(min_value=1, max_value=2**53)
_opt_ints = st.none() | _ids
_opt_text = st.none() | st.text(max_size=30)
_opt_bool = st.none() | st.booleans()
# Learned enum values are cached per enum (up to a bound), so keep the space of
# unknown values small; include a few odd spellings explicitly.
_unknown = st.text(alphabet="qxz_-", min_size=1, max_size=3) | st.sampled_from(
    ["архив", "\u0441ompany", "Active", "with space", "x&y=z"]
)


def _enum_values(cls: Any) -> st.SearchStrategy[Any]:
    return st.none() | st.sampled_from(list(cls)) | _unknown.map(cls)


_redirects = st.builds(RedirectNumber, id=_ids, number=_opt_text)
_json_scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=10)
_json_values = st.recursive(
    _json_scalars | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
_extra_keys = st.text(min_size=1, max_size=12).filter(lambda k: k not in VIRTUAL_NUMBER_FIELDS)

virtual_numbers = st.builds(
    VirtualNumber,
    id=_ids,
    number=_opt_text,
    comment=_opt_text,
    type=_enum_values(NumberType),
    purpose=_enum_values(Purpose),
    scenario_id=_opt_ints,
    group_scenario_id=_opt_ints,
    group_id=_opt_ints,
    is_scenario_active=_opt_bool,
    is_group_scenario_active=_opt_bool,
    state=_enum_values(State),
    reason=_opt_text,
    from_redirect_numbers=st.none() | st.lists(_redirects, max_size=4).map(tuple),
    employee_id=_opt_ints,
    redirect_number=_opt_text,
    dgn_number=_opt_text,
    region_name=_opt_text,
    app_id=_opt_ints,
    nc_type=_opt_text,
    sip_uri=_opt_text,
    extra=st.dictionaries(_extra_keys, _json_values, max_size=3),
)


@settings(max_examples=200, deadline=None)
@given(virtual_numbers)
def test_property_unstructure_structure_round_trip(number: VirtualNumber) -> None:
    data = unstructure(number)
    assert structure_one(data, VirtualNumber) == number
    text = json.dumps(data)
    assert structure_one(json.loads(text), VirtualNumber) == number
    assert structure_one(orjson.loads(orjson.dumps(data)), VirtualNumber) == number


@settings(max_examples=50, deadline=None)
@given(st.lists(virtual_numbers, max_size=4))
def test_property_list_round_trip(numbers: list[VirtualNumber]) -> None:
    data = unstructure(numbers)
    assert isinstance(data, list)
    json.dumps(data)
    assert structure_list(data, VirtualNumber) == numbers
