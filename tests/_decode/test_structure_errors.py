"""The cattrs path (structure.py) is strict on types: every bad value is named by its JSON
path, the good records are kept in order, and no message holds the bad value itself."""

from __future__ import annotations

from typing import Any

import pytest

from virtnum import ResponseValidationError, VirtualNumber
from virtnum._decode.structure import structure_list, structure_one

from ._records import good_record

SECRET_VALUE = "79990001122"


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
    records: list[Any] = [good_record(i) for i in range(1, 1001)]
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
