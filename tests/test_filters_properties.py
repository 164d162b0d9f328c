"""Filter's round trips, property-tested: ``parse(str(f))`` and ``parse(urlencode(to_query()))``
give ``f`` back, and parsing any valid query string is stable."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from virtnum import Filter, NumberType, Purpose, State

INT_FIELDS = ("id", "scenario_id", "group_scenario_id", "group_id", "employee_id", "app_id")
BOOL_FIELDS = ("is_scenario_active", "is_group_scenario_active")
ENUM_FIELDS: dict[str, Any] = {"type": NumberType, "purpose": Purpose, "state": State}
STR_FIELDS = (
    "number",
    "comment",
    "reason",
    "redirect_number",
    "dgn_number",
    "region_name",
    "nc_type",
    "sip_uri",
)


_text = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from("&=% +?#;/"),
    max_size=20,
)


def _values_for(field: str) -> st.SearchStrategy[Any]:
    if field in INT_FIELDS:
        return st.integers(min_value=-(10**18), max_value=10**18)
    if field in BOOL_FIELDS:
        return st.booleans()
    if field in ENUM_FIELDS:
        cls = ENUM_FIELDS[field]
        return st.sampled_from(list(cls)) | st.sampled_from([m.value for m in cls])
    return _text


_FIELDS = INT_FIELDS + BOOL_FIELDS + tuple(ENUM_FIELDS) + STR_FIELDS


@st.composite
def filters(draw: st.DrawFn) -> Filter:
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(_FIELDS), st.booleans()).map(
                lambda fo: fo[0] + ("__ne" if fo[1] else "")
            ),
            unique=True,
            max_size=5,
        )
    )
    where: dict[str, Any] = {}
    for key in keys:
        strategy = _values_for(key.partition("__")[0])
        where[key] = draw(strategy | st.lists(strategy, min_size=1, max_size=3))
    f = Filter(**where)
    if draw(st.booleans()):
        f = f.where(**{draw(st.sampled_from(STR_FIELDS)): draw(_text)})
    if draw(st.booleans()):
        f = f.order_by(draw(st.sampled_from(["", "-"])) + draw(st.sampled_from(_FIELDS)))
    return f


@settings(max_examples=200, deadline=None)
@given(filters())
def test_property_parse_of_str_round_trips(f: Filter) -> None:
    parsed = Filter.parse(str(f))
    assert parsed == f
    assert hash(parsed) == hash(f)
    assert str(parsed) == str(f)


@settings(max_examples=200, deadline=None)
@given(filters())
def test_property_to_query_round_trips(f: Filter) -> None:
    pairs = f.to_query()
    assert all(type(k) is str and type(v) is str for k, v in pairs)
    parsed = Filter.parse(urlencode(pairs))
    assert parsed.to_query() == pairs
    assert parsed == f


_raw_value = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.integers(min_value=0, max_value=999).map(lambda i: f"00{i}"),
    st.sampled_from(["true", "false"]),
)


@st.composite
def raw_queries(draw: st.DrawFn) -> str:
    """Valid but not necessarily canonical query strings (leading zeros, any key order)."""
    pairs: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        field = draw(st.sampled_from(_FIELDS))
        key = field + draw(st.sampled_from(["", "__ne"]))
        if field in INT_FIELDS:
            value = draw(_raw_value.filter(lambda v: v not in ("true", "false")))
        elif field in BOOL_FIELDS:
            value = draw(st.sampled_from(["true", "false"]))
        elif field in ENUM_FIELDS:
            value = draw(
                st.sampled_from([m.value for m in ENUM_FIELDS[field]] + ["\u0441ompany"])
                if field == "purpose"
                else st.sampled_from([m.value for m in ENUM_FIELDS[field]])
            )
        else:
            value = draw(_text)
        pairs.append((key, value))
    if draw(st.booleans()):
        pairs.append(("_sort", draw(st.sampled_from(_FIELDS))))
        if draw(st.booleans()):
            pairs.append(("_order", draw(st.sampled_from(["asc", "desc"]))))
    pairs = draw(st.permutations(pairs))
    return urlencode(pairs)


@settings(max_examples=200, deadline=None)
@given(raw_queries())
def test_property_parse_is_stable(query: str) -> None:
    once = Filter.parse(query)
    twice = Filter.parse(str(once))
    assert twice == once
    assert str(twice) == str(once)
    assert twice.to_query() == once.to_query()
