"""Filter: the API's query language as an immutable, validated builder (its refusals:
test_filters_errors.py; its round trips, property-tested: test_filters_properties.py)."""

from __future__ import annotations

import attrs
import pytest

from virtnum import Filter, NumberType, Purpose, State

SEED_QUERY = "purpose__ne=not_specified&state=active&type=def&type=abc"


def _seed_filter() -> Filter:
    return Filter(type=[NumberType.DEF, NumberType.ABC], state=State.ACTIVE).exclude(
        purpose=Purpose.NOT_SPECIFIED
    )


# ---------------------------------------------------------------------------
# the seed query


def test_seed_query_string() -> None:
    assert str(_seed_filter()) == SEED_QUERY


def test_seed_query_pairs() -> None:
    assert _seed_filter().to_query() == [
        ("purpose__ne", "not_specified"),
        ("state", "active"),
        ("type", "def"),
        ("type", "abc"),
    ]


def test_seed_filter_equals_parsed_query() -> None:
    built = _seed_filter()
    parsed = Filter.parse(SEED_QUERY)
    assert parsed == built
    assert hash(parsed) == hash(built)
    assert parsed.to_query() == built.to_query()
    assert Filter.parse("?" + SEED_QUERY) == built


def test_seed_filter_from_plain_strings() -> None:
    built = Filter(type=["def", "abc"], state="active").exclude(purpose="not_specified")
    assert built == _seed_filter()
    assert Filter(type=["def", "abc"], state="active", purpose__ne="not_specified") == built


def test_keyword_order_does_not_matter() -> None:
    a = Filter(state="active", type="def")
    b = Filter(type="def", state="active")
    assert a == b
    assert a.to_query() == [("state", "active"), ("type", "def")]


def test_repr_shows_the_query() -> None:
    assert repr(_seed_filter()) == f"Filter.parse({SEED_QUERY!r})"


def test_empty_filter() -> None:
    empty = Filter()
    assert empty.to_query() == []
    assert str(empty) == ""
    assert not empty
    assert Filter.parse("") == empty
    assert _seed_filter()


# ---------------------------------------------------------------------------
# sorting


def test_order_by_descending() -> None:
    f = _seed_filter().order_by("-number")
    assert f.to_query()[-2:] == [("_sort", "number"), ("_order", "desc")]
    assert f.to_query()[:-2] == _seed_filter().to_query()
    assert str(f) == SEED_QUERY + "&_sort=number&_order=desc"


def test_order_by_ascending() -> None:
    assert Filter().order_by("id").to_query() == [("_sort", "id"), ("_order", "asc")]


def test_order_by_replaces_previous_order() -> None:
    f = Filter(id=1).order_by("id").order_by("-app_id")
    assert f.to_query() == [("id", "1"), ("_sort", "app_id"), ("_order", "desc")]


def test_sort_stays_last_after_where() -> None:
    f = Filter().order_by("-number").where(type="def")
    assert f.to_query() == [("type", "def"), ("_sort", "number"), ("_order", "desc")]


def test_parse_sort() -> None:
    assert Filter.parse("_sort=number&_order=desc") == Filter().order_by("-number")
    assert Filter.parse("_sort=id") == Filter().order_by("id")
    assert Filter.parse("_order=asc&_sort=id&state=active") == Filter(state="active").order_by("id")


@pytest.mark.parametrize("field", ["unknown", "-unknown", "number__ne", "from_redirect_numbers"])
def test_order_by_unknown_field(field: str) -> None:
    with pytest.raises(ValueError, match=r"unknown|not a field"):
        Filter().order_by(field)


def test_order_by_non_str() -> None:
    with pytest.raises(TypeError):
        Filter().order_by(1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "query",
    ["_order=desc", "_sort=number&_order=up", "_sort=number&_sort=id", "_sort=nope"],
)
def test_parse_bad_sort(query: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        Filter.parse(query)


# ---------------------------------------------------------------------------
# values


def test_bool_encodes_true_false() -> None:
    assert Filter(is_scenario_active=True).to_query() == [("is_scenario_active", "true")]
    assert Filter(is_group_scenario_active=False).to_query() == [
        ("is_group_scenario_active", "false")
    ]
    assert str(Filter(is_scenario_active=True)) == "is_scenario_active=true"


def test_ints() -> None:
    assert Filter(id=5, app_id=1200054).to_query() == [("app_id", "1200054"), ("id", "5")]
    assert Filter(scenario_id=[1, 2]).to_query() == [("scenario_id", "1"), ("scenario_id", "2")]
    assert Filter.parse("id=007") == Filter(id=7)


def test_str_field() -> None:
    assert Filter(number="79267053890").to_query() == [("number", "79267053890")]
    assert Filter(region_name="Московская область").to_query() == [
        ("region_name", "Московская область")
    ]


def test_enum_members_and_strings() -> None:
    assert Filter(type=NumberType.SIP_REDIRECTION).to_query() == [("type", "sip_redirection")]
    assert Filter(type="toll_free") == Filter(type=NumberType.TOLL_FREE)
    # a value the SDK does not know yet is sent when given as a member (issue 12)
    assert Filter(state=State("archived")).to_query() == [("state", "archived")]


@pytest.mark.parametrize(
    ("where", "closest"), [({"state": "actve"}, "'active'"), ({"type": "deff"}, "'def'")]
)
def test_a_typo_in_an_enum_filter_is_refused_with_the_closest_value(
    where: dict[str, str], closest: str
) -> None:
    with pytest.raises(ValueError, match=f"did you mean {closest}"):
        Filter(**where)
    with pytest.raises(ValueError, match="not a known"):
        Filter.parse("&".join(f"{k}={v}" for k, v in where.items()))


def test_cyrillic_purpose_is_normalised() -> None:
    cyrillic = "\u0441ompany"
    assert Filter(purpose=cyrillic).to_query() == [("purpose", "company")]
    assert Filter(purpose=cyrillic) == Filter(purpose=Purpose.COMPANY)
    assert Filter().exclude(purpose=cyrillic).to_query() == [("purpose__ne", "company")]
    assert Filter.parse("purpose=%D1%81ompany") == Filter(purpose="company")


def test_repeated_any_of_keeps_value_order() -> None:
    assert Filter(type=["abc", "def"]).to_query() == [("type", "abc"), ("type", "def")]
    assert Filter(type=("def", "abc")).to_query() == [("type", "def"), ("type", "abc")]
    assert Filter(id=[3, 1, 2]).to_query() == [("id", "3"), ("id", "1"), ("id", "2")]
    assert Filter.parse("type=abc&type=def").to_query() == [("type", "abc"), ("type", "def")]
    assert Filter(type=["abc", "def"]) != Filter(type=["def", "abc"])


def test_duplicate_values_collapse() -> None:
    assert Filter(type=["def", "def"]).to_query() == [("type", "def")]
    assert Filter(type="def").where(type="def") == Filter(type="def")


def test_sets_are_sorted() -> None:
    assert Filter(type={NumberType.DEF, NumberType.ABC}).to_query() == [
        ("type", "abc"),
        ("type", "def"),
    ]
    assert Filter(id=frozenset({30, 4, 200})).to_query() == [
        ("id", "200"),
        ("id", "30"),
        ("id", "4"),
    ]


def test_where_adds_conditions() -> None:
    f = Filter(state="active").where(type="def").where(type="abc", purpose__ne="not_specified")
    assert f == _seed_filter()
    assert str(f) == SEED_QUERY


def test_exclude_refuses_operator_keys() -> None:
    with pytest.raises(ValueError, match="purpose__ne"):
        Filter().exclude(purpose__ne="company")


# ---------------------------------------------------------------------------
# immutability


def test_filters_are_immutable() -> None:
    base = Filter(state="active")
    before = base.to_query()
    extended = base.where(type="def")
    excluded = base.exclude(purpose="company")
    ordered = base.order_by("-id")
    assert base.to_query() == before == [("state", "active")]
    assert extended is not base
    assert excluded is not base
    assert ordered is not base
    assert extended.to_query() == [("state", "active"), ("type", "def")]
    assert excluded.to_query() == [("purpose__ne", "company"), ("state", "active")]
    assert ordered.to_query() == [("state", "active"), ("_sort", "id"), ("_order", "desc")]


def test_filter_attributes_cannot_be_set() -> None:
    f = Filter(state="active")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        f._conditions = ()  # type: ignore[misc]
    assert f.to_query() == [("state", "active")]


def test_to_query_returns_a_copy() -> None:
    f = Filter(state="active")
    pairs = f.to_query()
    pairs.append(("type", "def"))
    assert f.to_query() == [("state", "active")]


def test_filters_are_hashable() -> None:
    assert len({Filter(type="def"), Filter(type=NumberType.DEF), Filter(type="abc")}) == 2
