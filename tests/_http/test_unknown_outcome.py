"""A write whose answer was lost is ``OutcomeUnknownError``, and never resent on its own."""

from __future__ import annotations

import socket

import pytest

from virtnum import (
    APIConnectionError,
    APITimeoutError,
    AsyncClient,
    NumberType,
    OutcomeUnknownError,
    ResponseValidationError,
)
from virtnum.testing import FakeServer

from .._support import TOKEN

SIP = {
    "number": "74951112233",
    "login": "user",
    "password": "pa55-word",
    "server_host": "sip.example",
    "server_port": 5060,
}


def posts(server: FakeServer) -> int:
    return sum(1 for r in server.requests if r.method == "POST")


async def test_a_post_whose_connection_drops_is_an_unknown_outcome(server: FakeServer) -> None:
    server.faults.reset(count=1)
    async with AsyncClient(TOKEN, base_url=server.url, max_retries=2) as client:
        with pytest.raises(OutcomeUnknownError) as info:
            await client.numbers.add_sip_registration(**SIP)
    assert isinstance(info.value, APIConnectionError)
    assert "may have been added; list the numbers to check" in str(info.value)
    assert "pa55-word" not in str(info.value)
    assert posts(server) == 1  # never resent


async def test_a_post_that_times_out_is_both_unknown_and_a_timeout(server: FakeServer) -> None:
    server.faults.delay(10.0, count=1)
    async with AsyncClient(TOKEN, base_url=server.url, timeout=0.3) as client:
        with pytest.raises(OutcomeUnknownError) as info:
            await client.numbers.add_mobile(
                number="79261234567", dgn_number="74951234567", purpose="company"
            )
    assert isinstance(info.value, APITimeoutError)
    assert posts(server) == 1


async def test_retry_post_resends_a_post_whose_answer_was_lost(server: FakeServer) -> None:
    server.faults.reset(count=1)
    async with AsyncClient(TOKEN, base_url=server.url, retry_post=True) as client:
        number = await client.numbers.add_sip_registration(**SIP)
    assert number.type == NumberType.SIP_REGISTRATION
    assert posts(server) == 2


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_post_that_provably_never_left_is_retried(sleeps: list[float]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    async with AsyncClient(TOKEN, base_url=url, max_retries=2) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.numbers.add_sip_registration(**SIP)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert info.value.reason == "connection refused"
    assert info.value.attempts == 3
    assert len(sleeps) == 2


async def test_a_delete_resent_after_a_lost_answer_is_an_unknown_outcome(
    server: FakeServer,
) -> None:
    deletable = next(i for i, r in server.numbers.items() if r["type"] != "abc")
    server.faults.reset(count=1)
    server.faults.fail(404, count=1)
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        with pytest.raises(OutcomeUnknownError) as info:
            await client.numbers.delete(deletable)
    assert "probably deleted it" in str(info.value)
    assert info.value.attempts == 2


async def test_a_delete_resent_after_a_lost_answer_then_answered_by_a_page_is_unknown(
    server: FakeServer,
) -> None:
    """The lost attempt may have deleted it; the page that answered the resend is not the
    API's answer, so it settles nothing (the stateful test found this one)."""
    server.faults.reset(count=1)
    server.faults.garbage(count=1)
    async with AsyncClient(TOKEN, base_url=server.url, max_retries=2) as client:
        with pytest.raises(OutcomeUnknownError, match="probably deleted it") as info:
            await client.numbers.delete(3)
    assert "not JSON" in str(info.value)


async def test_an_update_resent_after_a_lost_answer_then_answered_by_a_page_is_unknown(
    server: FakeServer,
) -> None:
    server.faults.reset(count=1)
    server.faults.garbage(count=1)
    async with AsyncClient(TOKEN, base_url=server.url, max_retries=2) as client:
        with pytest.raises(OutcomeUnknownError, match="may have been applied"):
            await client.numbers.update(3, comment="new", purpose="company")


async def test_a_page_answering_a_write_at_once_is_still_a_validation_error(
    server: FakeServer,
) -> None:
    server.faults.garbage(count=1)
    async with AsyncClient(TOKEN, base_url=server.url) as client:
        with pytest.raises(ResponseValidationError) as info:
            await client.numbers.delete(3)
    assert not isinstance(info.value, OutcomeUnknownError)
