"""Models back to JSON (unstructure.py): plain JSON types, ``extra`` merged back, and
model -> JSON -> model round trips, on the seed examples and property-tested."""

from __future__ import annotations

import json
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from virtnum import NumberType, Purpose, RedirectNumber, State, VirtualNumber
from virtnum._decode.structure import structure_list, structure_one
from virtnum._decode.unstructure import to_dict as unstructure
from virtnum.models import VIRTUAL_NUMBER_FIELDS

from ._records import with_all_fields

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
    assert unstructure(structure_one(seed_number, VirtualNumber)) == with_all_fields(seed_number)
    for records in (seed_list, seed_outbound):
        back = unstructure(structure_list(records, VirtualNumber))
        assert back == [with_all_fields(r) for r in records]
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
    assert unstructure(number) == with_all_fields({"id": 9, "from_redirect_numbers": []})


def test_unstructure_redirect_number() -> None:
    assert unstructure(RedirectNumber(id=1, number="7")) == {"id": 1, "number": "7"}
    assert structure_one({"id": 1, "number": "7"}, RedirectNumber) == RedirectNumber(1, "7")


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
