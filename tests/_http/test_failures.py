"""How a failure is named: its request id and detail masked before they are cut short,
and a proxy's refusal in words."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aioresponses import aioresponses
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from virtnum import APIConnectionError, APIError, APITimeoutError, AsyncClient
from virtnum._http.failures import connection_failure, request_id_of
from virtnum._redact import Redactor, secret_forms

from .._secrets import refusing_port
from ._calls import NUMBER_1, get_error, get_or_list, url_of

TOKEN = "tok-Q7-secret"
API = "https://api.example.test:8443"
PROXY = URL("http://user:pw-Q7@127.0.0.1:3128")
NO_HEADERS: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())


def test_a_request_id_is_masked_before_it_is_cut_short() -> None:
    headers = CIMultiDict({"X-Request-Id": "x" * 194 + TOKEN})
    shown = request_id_of(headers, secret_forms([TOKEN]))
    assert shown is not None
    assert "Q7" not in shown
    assert shown.startswith("x" * 194)


def test_a_detail_is_masked_before_it_is_cut_short() -> None:
    exc = aiohttp.ClientConnectionError("y" * 470 + TOKEN)
    error = connection_failure(exc, "GET", "https://api.example.test/x", Redactor(TOKEN))
    assert "Q7" not in error.detail
    assert len(error.detail) == 500


def test_a_proxys_refusal_is_named_by_its_status_only() -> None:
    for status, words in [(407, "the proxy refused its credentials (407)"), (502, "(502)")]:
        exc = aiohttp.ClientHttpProxyError(
            request_info=aiohttp.RequestInfo(PROXY, "CONNECT", NO_HEADERS, PROXY),
            history=(),
            status=status,
            message=f"echoing {TOKEN}",
        )
        redactor = Redactor(TOKEN, [str(PROXY)])
        error = connection_failure(exc, "GET", "https://api.example.test/x", redactor)
        assert words in str(error)
        assert words in error.reason
        assert "Q7" not in str(error)
        assert "http://user:***@127.0.0.1:3128" in error.detail
        assert "Q7" not in error.detail


async def test_an_unreachable_proxy_is_named_not_the_apis_host() -> None:
    with refusing_port() as port:
        proxy = f"http://user:pw-Q7@127.0.0.1:{port}"
        async with AsyncClient(TOKEN, base_url=API, proxy=proxy, max_retries=0) as client:
            with pytest.raises(APIConnectionError) as info:
                await client.numbers.get(1)
    message = str(info.value)
    assert f"the proxy 127.0.0.1:{port}: the proxy could not be reached" in message
    assert "api.example.test" not in message.split(":", 1)[1]
    assert info.value.request_sent is False
    assert "Q7" not in message


def test_a_refused_tunnel_names_the_proxy_and_says_the_request_never_left() -> None:
    exc = aiohttp.ClientHttpProxyError(
        request_info=aiohttp.RequestInfo(PROXY, "CONNECT", NO_HEADERS, PROXY),
        history=(),
        status=407,
    )
    error = connection_failure(exc, "POST", API + "/x", Redactor(TOKEN), proxy=str(PROXY))
    assert "the proxy 127.0.0.1:3128: the proxy refused its credentials (407)" in str(error)
    assert error.request_sent is False


async def test_a_timeout_names_the_host_and_the_time_allowed() -> None:
    held: list[asyncio.StreamWriter] = []

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # read, never answered; closed when the test ends

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        url = f"http://127.0.0.1:{port}"
        async with AsyncClient(TOKEN, base_url=url, timeout=0.3, max_retries=0) as client:
            with pytest.raises(APITimeoutError) as info:
                await client.numbers.list()
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()
    assert f"no answer from 127.0.0.1:{port} within 0.3s" in str(info.value)


@pytest.mark.parametrize(
    ("exception", "error_class", "marker"),
    [
        (aiohttp.ClientConnectionError("refused"), APIConnectionError, "connection failed"),
        (aiohttp.ServerDisconnectedError(), APIConnectionError, "ServerDisconnectedError"),
        (aiohttp.ClientPayloadError("cut"), APIConnectionError, "cut short"),
        (TimeoutError(), APITimeoutError, "timed out"),
        (aiohttp.ServerTimeoutError("slow"), APITimeoutError, "timed out"),
        (aiohttp.ClientOSError(104, "reset"), APIConnectionError, "ClientOSError"),
    ],
)
@pytest.mark.parametrize("call", ["get", "list"])
async def test_aiohttp_exceptions_become_api_errors(
    mocked_client: AsyncClient,
    exception: BaseException,
    error_class: type[APIError],
    marker: str,
    call: str,
) -> None:
    with aioresponses() as m:
        m.get(url_of(call), exception=exception)
        with pytest.raises(APIConnectionError) as info:
            await get_or_list(mocked_client, call, state="active")
    error = info.value
    assert type(error) is error_class
    assert marker in str(error)
    assert error.__cause__ is None
    assert error.__context__ is None
    assert error.method == "GET"
    assert error.attempts == 1
    assert "state=active" not in str(error)


async def test_timeout_is_a_connection_error(mocked_client: AsyncClient) -> None:
    error = await get_error(mocked_client, APIConnectionError, exception=TimeoutError())
    assert isinstance(error, APITimeoutError)
    assert error.url == NUMBER_1
