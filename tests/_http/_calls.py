"""What the aioresponses-mocked tests of tests/_http share: the mocked API, its calls,
and the requests aioresponses saw."""

from __future__ import annotations

import re
from typing import Any, TypeVar

import pytest
from aioresponses import aioresponses
from yarl import URL

from virtnum import AsyncClient

TOKEN = "tok-SECRET-123"
BASE = "https://api.test"
NUMBERS = f"{BASE}/numbers/virtual-number"
NUMBER_1 = f"{NUMBERS}/1"
LIST_PATTERN = re.compile(r"^https://api\.test/numbers/virtual-number(\?.*)?$")
PAYLOAD = {"id": 1, "number": "79200000001", "type": "def", "state": "active"}
E = TypeVar("E", bound=BaseException)


def url_of(call: str) -> str | re.Pattern[str]:
    """The URL that the ``call`` of ``get_or_list`` requests."""
    return LIST_PATTERN if call == "list" else NUMBER_1


async def get_or_list(client: AsyncClient, call: str, **query: str) -> Any:
    """``numbers.get(1)`` for the ``"get"`` case of a test, else ``numbers.list(**query)``."""
    if call == "get":
        return await client.numbers.get(1)
    return await client.numbers.list(**query)


async def get_error(client: AsyncClient, kind: type[E], **answer: Any) -> E:
    """The ``kind`` of error ``numbers.get(1)`` raises when its URL answers ``answer``."""
    with aioresponses() as m:
        m.get(NUMBER_1, **answer)
        with pytest.raises(kind) as info:
            await client.numbers.get(1)
    return info.value


def calls(m: aioresponses) -> list[tuple[str, URL, Any]]:
    """Every request aioresponses saw, as (method, normalized URL, RequestCall)."""
    return [(key[0], key[1], call) for key, made in m.requests.items() for call in made]


def only_call(m: aioresponses) -> Any:
    """The one request aioresponses saw (fails when there were more or none)."""
    made = calls(m)
    assert len(made) == 1, made
    return made[0][2]


def assert_no_token(*texts: object) -> None:
    """None of ``texts`` holds the mocked client's token."""
    for text in texts:
        assert TOKEN not in str(text), text
