"""virtnum.testing.FakeServer speaks the documented query language to any HTTP client."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from virtnum.testing import FakeServer, synthetic_numbers

from .._support import TOKEN, load_seed

HEADERS = {"Authorization": TOKEN}


async def fetch(server: FakeServer, path: str, **kwargs: Any) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(server.url + path, **kwargs) as response,
    ):
        return response.status, await response.json()


async def ids(server: FakeServer, query: str) -> list[int]:
    status, body = await fetch(server, "/numbers/virtual-number?" + query, headers=HEADERS)
    assert status == 200, body
    return [record["id"] for record in body]


async def test_listens_on_loopback_with_a_free_port(server: FakeServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert not server.url.endswith(":0")


async def test_requires_the_token(server: FakeServer) -> None:
    status, _ = await fetch(server, "/numbers/virtual-number/1")
    assert status == 401
    status, _ = await fetch(server, "/numbers/virtual-number/1", headers={"Authorization": "x"})
    assert status == 401


async def test_unknown_and_malformed_ids_are_404(server: FakeServer) -> None:
    for path in ("/numbers/virtual-number/999", "/numbers/virtual-number/abc"):
        status, _ = await fetch(server, path, headers=HEADERS)
        assert status == 404


async def test_equality_any_of_and_not_equal(server: FakeServer) -> None:
    records = list(server.numbers.values())
    assert await ids(server, "type=def") == [r["id"] for r in records if r["type"] == "def"]
    assert await ids(server, "type=def&type=abc") == [
        r["id"] for r in records if r["type"] in ("def", "abc")
    ]
    assert await ids(server, "purpose__ne=not_specified") == [
        r["id"] for r in records if r["purpose"] != "not_specified"
    ]
    assert await ids(server, "is_scenario_active=true") == [
        r["id"] for r in records if r["is_scenario_active"] is True
    ]


async def test_sorting_and_paging(server: FakeServer) -> None:
    by_number = sorted(server.numbers.values(), key=lambda r: r["number"], reverse=True)
    assert await ids(server, "_sort=number&_order=desc") == [r["id"] for r in by_number]
    assert await ids(server, "_page=2&_limit=7") == list(range(8, 15))
    assert await ids(server, "_page=99&_limit=7") == []


async def test_seeded_with_given_records() -> None:
    seed = load_seed("seed_001_list_numbers.json")
    async with FakeServer(seed, token=TOKEN) as server:
        status, body = await fetch(server, "/numbers/virtual-number/256", headers=HEADERS)
    assert status == 200
    assert body == seed[1]


def test_synthetic_numbers_are_reproducible_and_shaped_like_the_seeds() -> None:
    first, again = synthetic_numbers(30, seed=4), synthetic_numbers(30, seed=4)
    assert first == again
    assert first != synthetic_numbers(30, seed=5)
    assert set(first[0]) == set(load_seed("seed_000_get_number.json"))
    assert [r["id"] for r in first] == list(range(1, 31))


@pytest.mark.parametrize("kind", ["fail", "garbage"])
async def test_faults_answer_instead_of_the_handler(server: FakeServer, kind: str) -> None:
    getattr(server.faults, kind)(count=1)
    async with (
        aiohttp.ClientSession() as session,
        session.get(server.url + "/numbers/virtual-number/1", headers=HEADERS) as response,
    ):
        assert response.status == (503 if kind == "fail" else 200)
        assert response.content_type != "application/json" or kind == "fail"
    status, _ = await fetch(server, "/numbers/virtual-number/1", headers=HEADERS)
    assert status == 200
    assert server.faults.injected[kind] == 1


async def test_ledger_is_a_copy_of_the_numbers(server: FakeServer) -> None:
    ledger = server.ledger()
    assert ledger == server.numbers
    ledger[1]["comment"] = "changed in the copy"
    del ledger[2]
    assert server.numbers[1]["comment"] != "changed in the copy"
    assert 2 in server.numbers
