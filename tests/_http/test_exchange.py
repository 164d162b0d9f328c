"""The request as sent: its headers, its query in order, its URL under the base URL's path,
and a redirect left unfollowed by default (aioresponses, no network)."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses
from yarl import URL

import virtnum
from virtnum import APIStatusError, AsyncClient

from ._calls import BASE, LIST_PATTERN, NUMBER_1, NUMBERS, PAYLOAD, TOKEN, calls, only_call


async def test_request_headers(mocked_client: AsyncClient) -> None:
    with aioresponses() as m:
        m.get(NUMBER_1, payload=PAYLOAD)
        await mocked_client.numbers.get(1)
    headers = only_call(m).kwargs["headers"]
    assert headers["Authorization"] == TOKEN
    assert headers["Content-Type"] == "application/json; charset=UTF-8"
    assert headers["User-Agent"].startswith("virtnum/")
    assert virtnum.__version__ in headers["User-Agent"]
    assert headers["User-Agent"].startswith(f"virtnum/{virtnum.__version__}")


async def test_redirects_not_followed_by_default(mocked_client: AsyncClient) -> None:
    with aioresponses() as m:
        m.get(NUMBER_1, status=302, headers={"Location": f"{BASE}/elsewhere"})
        m.get(f"{BASE}/elsewhere", payload=PAYLOAD)
        with pytest.raises(APIStatusError) as info:
            await mocked_client.numbers.get(1)
    assert type(info.value) is APIStatusError
    assert info.value.status == 302
    assert only_call(m).kwargs["allow_redirects"] is False


async def test_list_query_is_repeated_params_in_order(mocked_client: AsyncClient) -> None:
    with aioresponses() as m:
        m.get(LIST_PATTERN, payload=[])
        assert await mocked_client.numbers.list(type=["def", "abc"], state="active") == []
    params = only_call(m).kwargs["params"]
    assert list(params) == [("state", "active"), ("type", "def"), ("type", "abc")]
    assert [value for name, value in params if name == "type"] == ["def", "abc"]
    sent = URL(NUMBERS).with_query(params)
    assert sent.query_string == "state=active&type=def&type=abc"
    assert sent.query.getall("type") == ["def", "abc"]


@pytest.mark.parametrize(
    ("base", "sent"),
    [
        ("https://api.test/v1/", "https://api.test/v1/numbers/virtual-number/1"),
        ("https://api.test/data%20api", "https://api.test/data%20api/numbers/virtual-number/1"),
        ("https://api.test:8443", "https://api.test:8443/numbers/virtual-number/1"),
    ],
)
async def test_a_request_goes_under_the_base_urls_own_path(base: str, sent: str) -> None:
    """The target URL is built once from the parsed base URL: its path (encoded as
    given) and its port are kept."""
    async with AsyncClient(TOKEN, base_url=base, max_retries=0) as api:
        with aioresponses() as m:
            m.get(sent, payload=PAYLOAD)
            await api.numbers.get(1)
        ((_, url, _),) = calls(m)
    assert str(url) == sent
