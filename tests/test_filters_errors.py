"""Filter refuses what the API cannot take, naming the key: unknown fields and operators,
values of the wrong type, paging, text a URL cannot carry; and ``numbers.list`` says where
``page_size`` belongs."""

from __future__ import annotations

from typing import Any

import pytest

from virtnum import AsyncClient, Filter, State


def test_parse_paging_is_refused() -> None:
    with pytest.raises(ValueError, match="_page"):
        Filter.parse("_page=1")
    with pytest.raises(ValueError, match="_limit"):
        Filter.parse("state=active&_limit=10")


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ({"foo": 1}, "foo"),
        ({"type__gt": "def"}, "type__gt"),
        ({"type__": "def"}, "type__"),
        ({"id": None}, "id"),
        ({"state": [None]}, "state"),
        ({"id": "5"}, "id"),
        ({"id": True}, "id"),
        ({"id": 1.0}, "id"),
        ({"is_scenario_active": 1}, "is_scenario_active"),
        ({"is_scenario_active": "true"}, "is_scenario_active"),
        ({"number": 79267053890}, "number"),
        ({"number": State.ACTIVE}, "number"),
        ({"type": State.ACTIVE}, "type"),
        ({"type": 5}, "type"),
        ({"type": ""}, "type"),
        ({"type": []}, "type"),
        ({"type": set()}, "type"),
        ({"type": [["def"]]}, "type"),
        ({"type": [("def",)]}, "type"),
        ({"type": {"def": 1}}, "type"),
        ({"from_redirect_numbers": 1}, "from_redirect_numbers"),
        ({"from_redirect_numbers": [{"id": 1}]}, "from_redirect_numbers"),
        ({"extra": "x"}, "extra"),
    ],
)
def test_bad_conditions_raise_value_error_naming_the_key(where: dict[str, Any], key: str) -> None:
    with pytest.raises(ValueError, match=f"'{key}'"):
        Filter(**where)
    with pytest.raises(ValueError, match=f"'{key}'"):
        Filter().where(**where)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("id=abc", "id"),
        ("id=1.5", "id"),
        ("id=", "id"),
        ("is_scenario_active=yes", "is_scenario_active"),
        ("is_scenario_active=True", "is_scenario_active"),
        ("is_scenario_active=1", "is_scenario_active"),
        ("type=", "type"),
        ("foo=1", "foo"),
        ("state__gt=active", "state__gt"),
        ("from_redirect_numbers=1", "from_redirect_numbers"),
    ],
)
def test_bad_parse_values_raise_value_error_naming_the_key(query: str, key: str) -> None:
    with pytest.raises(ValueError, match=f"'{key}'"):
        Filter.parse(query)


LONE = "caf\udce9 nobody asked for"
UTF8_REFUSAL = (
    r"^filter '(comment|comment__ne|state)': .*cannot be encoded as UTF-8 \(position 3\)$"
)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Filter(comment=LONE),
        lambda: Filter().where(comment=["ok", LONE]),
        lambda: Filter().exclude(comment=LONE),
        lambda: Filter(state=State(LONE)),
        lambda: Filter.parse("comment=" + LONE),
        lambda: Filter.parse("comment=caf%ED%B3%A9"),  # percent-escaped, not UTF-8
        lambda: Filter.parse("comment=caf%E9"),  # Latin-1, not UTF-8
    ],
)
def test_a_value_a_url_cannot_carry_is_refused_by_field(make: Any) -> None:
    """yarl drops a lone surrogate (``caf`` would be sent) and the stdlib turns a bad
    escape into U+FFFD: either way numbers nobody asked for would come back."""
    with pytest.raises(ValueError, match=UTF8_REFUSAL) as info:
        make()
    assert "caf" not in str(info.value)


def test_parse_non_str() -> None:
    with pytest.raises(TypeError):
        Filter.parse(b"state=active")  # type: ignore[arg-type]


async def test_page_size_given_to_list_says_where_it_belongs(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match=r"page_size is an argument of numbers\.iter\(\)"):
        await client.numbers.list(page_size=10)
