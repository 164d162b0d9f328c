"""The mobile-number workflow: list the capacity, add a number, wait until it is active."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from virtnum import (
    AsyncClient,
    AvailableMobileNumber,
    BadRequestError,
    Client,
    NotFoundError,
    ResponseValidationError,
    State,
    VirtnumError,
    VirtualNumber,
    WaitTimeoutError,
    to_dict,
)
from virtnum.testing import FakeServer
from virtnum.testing._capacity import synthetic_capacity

from .._support import TOKEN

CAPACITY_PATH = "/numbers/def-virtual-number-capacity"
# The documents' own example of the capacity list.
EXAMPLE = [
    {"id": "79261234567", "number": "79261234567", "dgn_number": "74951234567", "state": "freeze"},
    {"id": "79267654321", "number": "79267654321", "dgn_number": "", "state": "freeze"},
]


async def test_list_available_mobile_reads_the_documents_example() -> None:
    async with (
        FakeServer(5, token=TOKEN, available_mobile=EXAMPLE) as server,
        AsyncClient(TOKEN, base_url=server.url) as client,
    ):
        available = await client.numbers.list_available_mobile()
        assert server.requests[-1].path == CAPACITY_PATH
        assert server.requests[-1].method == "GET"
    assert available == [
        AvailableMobileNumber("79261234567", "79261234567", "74951234567", State.FREEZE),
        AvailableMobileNumber("79267654321", "79267654321", None, State.FREEZE),
    ]
    assert to_dict(available[1]) == {**EXAMPLE[1], "dgn_number": None}


def test_the_default_capacity_is_shaped_like_the_example() -> None:
    records = synthetic_capacity(10)
    assert len(records) == 10
    assert {tuple(r) for r in records} == {("id", "number", "dgn_number", "state")}
    assert all(r["id"] == r["number"] and len(r["number"]) == 11 for r in records)
    assert {r["dgn_number"] == "" for r in records} == {True, False}
    assert len(FakeServer().capacity.available) == 10


async def test_a_number_already_in_the_account_is_not_on_the_capacity_list() -> None:
    taken = synthetic_capacity(1)[0]["number"]
    server = FakeServer([{"id": 1, "number": taken, "type": "def"}], available_mobile=3)
    assert taken not in server.capacity.available
    assert len(server.capacity.available) == 2


@pytest.mark.parametrize(
    ("body", "paths", "kept"),
    [
        (b'[{"id": 5, "number": "7"}, {"id": "2"}]', ["$[0].id"], ["2"]),
        (b'[{"id": "1", "dgn_number": 74951234567}, {"id": "2"}]', ["$[0].dgn_number"], ["2"]),
        (
            b'[{"id": "1", "state": 3}, {"id": "2", "number": []}, {"id": "3"}]',
            ["$[0].state", "$[1].number"],
            ["3"],
        ),
        (b'[{"number": "1"}, {"id": "2"}, 7]', ["$[0].id", "$[2]"], ["2"]),
    ],
)
async def test_bad_records_are_named_and_the_good_ones_kept(
    server: FakeServer, client: AsyncClient, body: bytes, paths: list[str], kept: list[str]
) -> None:
    server.faults.fail(200, count=1, body=body)
    with pytest.raises(ResponseValidationError) as info:
        await client.numbers.list_available_mobile()
    assert [path for path, _ in info.value.errors] == paths
    assert [n.id for n in info.value.partial] == kept
    assert all(isinstance(n, AvailableMobileNumber) for n in info.value.partial)


async def test_unknown_states_and_keys_are_tolerated(
    server: FakeServer, client: AsyncClient
) -> None:
    body = b'[{"id": "1", "number": "1", "dgn_number": "", "state": "reserved", "x": [1]}]'
    server.faults.fail(200, count=1, body=body)
    (number,) = await client.numbers.list_available_mobile()
    assert number.state == "reserved"
    assert not number.state.is_known  # type: ignore[union-attr]
    assert number.extra == {"x": [1]}
    assert number.dgn_number is None
    assert State("error") is State.ERROR


async def test_add_an_available_number_and_wait_until_it_is_active() -> None:
    async with (
        FakeServer(5, token=TOKEN, activation_delay=0.2) as server,
        AsyncClient(TOKEN, base_url=server.url) as client,
    ):
        choice = (await client.numbers.list_available_mobile())[0]
        assert choice.number is not None
        added = await client.numbers.add_mobile(
            number=choice.number, dgn_number="74951234567", purpose="company"
        )
        assert added.state is State.ACTIVATION
        assert (await client.numbers.get(added.id)).state is State.ACTIVATION
        assert choice.id not in {n.id for n in await client.numbers.list_available_mobile()}
        started = time.monotonic()
        active = await client.numbers.wait_for_state(added.id, "active", interval=0.05)
        assert 0.1 < time.monotonic() - started < 5
        gets = [r for r in server.requests if r.path == f"/numbers/virtual-number/{added.id}"]
    assert active.state is State.ACTIVE
    assert active.id == added.id
    assert len(gets) >= 3  # the get after add, then polls until the state changed


async def test_adding_a_number_that_is_not_available_is_refused(
    server: FakeServer, client: AsyncClient
) -> None:
    with pytest.raises(BadRequestError, match="not available"):
        await client.numbers.add_mobile(
            number="79990000000", dgn_number="74951234567", purpose="company"
        )
    number = next(iter(server.capacity.available))
    await client.numbers.add_mobile(number=number, dgn_number="74951234567", purpose="company")
    with pytest.raises(BadRequestError, match="not available"):  # taken once only
        await client.numbers.add_mobile(number=number, dgn_number="74951234567", purpose="company")


async def test_wait_times_out_with_the_last_number_seen() -> None:
    async with (
        FakeServer(5, token=TOKEN, activation_delay=None) as server,
        AsyncClient(TOKEN, base_url=server.url) as client,
    ):
        number = next(iter(server.capacity.available))
        added = await client.numbers.add_mobile(
            number=number, dgn_number="74951234567", purpose="company"
        )
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError) as info:
            await client.numbers.wait_for_state(added.id, State.ACTIVE, timeout=0.3, interval=0.05)
        elapsed = time.monotonic() - started
    assert 0.25 < elapsed < 2
    assert isinstance(info.value, VirtnumError)
    assert isinstance(info.value.last, VirtualNumber)
    assert info.value.last.state is State.ACTIVATION
    assert "activation" in str(info.value)
    assert "active" in str(info.value)


async def test_the_timeout_bounds_a_slow_request_too(server: FakeServer) -> None:
    server.faults.delay(2.0)
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        started = time.monotonic()
        with pytest.raises(WaitTimeoutError) as info:
            await client.numbers.wait_for_state(1, "active", timeout=0.2, interval=0.05)
    assert time.monotonic() - started < 1.5
    assert info.value.last is None


async def test_any_of_several_states_and_transient_errors_retried(server: FakeServer) -> None:
    current = server.numbers[1]["state"]
    server.faults.fail(503, count=1, retry_after="0")
    async with AsyncClient(TOKEN, base_url=server.url, max_retries=2) as client:
        found = await client.numbers.wait_for_state(1, {current, State.ERROR}, interval=0.05)
    assert found.state == current
    assert server.faults.injected["fail"] == 1


async def test_a_deleted_number_ends_the_wait_with_not_found(
    server: FakeServer, client: AsyncClient
) -> None:
    number = next(iter(server.capacity.available))
    added = await client.numbers.add_mobile(
        number=number, dgn_number="74951234567", purpose="company"
    )
    await client.numbers.delete(added.id)
    await asyncio.sleep(0.1)  # past the default activation delay: nothing to activate
    with pytest.raises(NotFoundError):
        await client.numbers.wait_for_state(added.id, "active", timeout=1, interval=0.05)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((1, "active"), {"timeout": 0}, "timeout"),
        ((1, "active"), {"timeout": -1.0}, "timeout"),
        ((1, "active"), {"timeout": "10"}, "timeout"),
        ((1, "active"), {"timeout": True}, "timeout"),
        ((1, "active"), {"timeout": float("nan")}, "timeout"),
        ((1, "active"), {"timeout": float("inf")}, "timeout"),
        ((1, "active"), {"interval": 0}, "interval"),
        ((1, "active"), {"interval": None}, "interval"),
        ((1, "actve"), {}, "state must be one of"),
        ((1, ""), {}, "state must be one of"),
        ((1, []), {}, "at least one"),
        ((1, 5), {}, "state"),
        ((1, b"active"), {}, "state"),
        ((1, ["active", None]), {}, "state"),
        ((0, "active"), {}, "id"),
        (("1", "active"), {}, "id"),
        ((True, "active"), {}, "id"),
    ],
)
async def test_bad_wait_arguments_fail_before_any_request(
    server: FakeServer,
    client: AsyncClient,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        await client.numbers.wait_for_state(*args, **kwargs)
    assert server.requests == []


def test_the_sync_client_lists_adds_and_waits(threaded_server: FakeServer) -> None:
    with Client(TOKEN, base_url=threaded_server.url) as client:
        available = client.numbers.list_available_mobile()
        assert len(available) == 10
        assert all(isinstance(n, AvailableMobileNumber) for n in available)
        added = client.numbers.add_mobile(
            number=available[3].id, dgn_number="74951234567", purpose="not_specified"
        )
        active = client.numbers.wait_for_state(added.id, [State.ACTIVE], interval=0.02)
        assert active.state is State.ACTIVE
        assert threaded_server.numbers[added.id]["state"] == "active"
        with pytest.raises(WaitTimeoutError):
            client.numbers.wait_for_state(added.id, "freeze", timeout=0.1, interval=0.02)
        with pytest.raises(ValueError, match="interval"):
            client.numbers.wait_for_state(added.id, "active", interval=-1)
