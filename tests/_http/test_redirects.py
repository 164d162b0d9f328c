"""Redirects after a write (RFC 9110): a 303 becomes a GET, a body is never sent again,
and what fails after a 303 is the GET's failure: the write was done, never resent."""

from __future__ import annotations

import pytest
from yarl import URL

from virtnum import (
    APIConnectionError,
    APIStatusError,
    AsyncClient,
    InternalServerError,
    OutcomeUnknownError,
)
from virtnum.testing import FakeServer

from .._support import TOKEN

SIP = {
    "number": "74950000007",
    "login": "user",
    "password": "sip-secret-pw",
    "server_host": "sip.example.net",
    "server_port": 5060,
}


async def test_a_post_answered_303_is_followed_by_a_get_without_the_body(
    server: FakeServer,
) -> None:
    server.faults.redirect("/numbers/virtual-number/2", status=303, count=1)
    async with AsyncClient(TOKEN, base_url=server.url, follow_redirects=True) as client:
        number = await client.numbers.add_sip_registration(**SIP)
    assert number.id == 2
    sent = [(r.method, r.path, r.body) for r in server.requests]
    assert sent[0][:2] == ("POST", "/numbers/virtual-number")
    assert sent[1:] == [("GET", "/numbers/virtual-number/2", b"")]


@pytest.mark.parametrize("status", [301, 302, 307, 308])
async def test_a_post_answered_with_another_redirect_is_reported_not_followed(
    server: FakeServer, status: int
) -> None:
    server.faults.redirect("/numbers/virtual-number/2", status=status, count=1)
    async with AsyncClient(TOKEN, base_url=server.url, follow_redirects=True) as client:
        with pytest.raises(APIStatusError) as info:
            await client.numbers.add_sip_registration(**SIP)
    assert info.value.status == status
    assert [r.method for r in server.requests] == ["POST"]


async def test_a_failure_after_a_posts_303_is_the_gets_and_the_post_is_not_resent(
    server: FakeServer, sleeps: list[float]
) -> None:
    server.faults.redirect("/numbers/virtual-number/2", status=303, count=1)
    server.faults.fail(503, count=1)
    options = {"follow_redirects": True, "retry_post": True, "max_retries": 2}
    async with AsyncClient(TOKEN, base_url=server.url, **options) as client:
        with pytest.raises(InternalServerError) as info:
            await client.numbers.add_sip_registration(**SIP)
    assert [r.method for r in server.requests] == ["POST", "GET"]
    assert sleeps == []
    error = info.value
    assert (error.method, URL(error.url).path) == ("GET", "/numbers/virtual-number/2")
    assert str(error).startswith(
        "POST /numbers/virtual-number was answered 303 See Other, so it was done; "
        "then GET /numbers/virtual-number/2 failed with status 503"
    )


async def test_a_lost_answer_after_a_posts_303_is_not_an_unknown_outcome(
    server: FakeServer,
) -> None:
    server.faults.redirect("/numbers/virtual-number/2", status=303, count=1)
    server.faults.reset(count=1)
    async with AsyncClient(TOKEN, base_url=server.url, follow_redirects=True) as client:
        with pytest.raises(APIConnectionError) as info:
            await client.numbers.add_sip_registration(**SIP)
    assert not isinstance(info.value, OutcomeUnknownError)
    assert info.value.method == "GET"
    assert "was answered 303 See Other, so it was done; then GET" in str(info.value)
    assert [r.method for r in server.requests] == ["POST", "GET"]
