"""No secret shows when a call fails: a proxy (``proxy=`` or ``HTTPS_PROXY``) refusing the
tunnel or the request with 407, 403 or 502, a server answering 401/403/500 with every
secret echoed, a refused connection. An environment proxy that is no usable URL is
refused, without repeating it, before anything is sent."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from virtnum import APIConnectionError, APIError, APIStatusError, AsyncClient

from .._secrets import (
    ECHO_STYLES,
    EXAMPLE,
    SECRETS,
    Secrets,
    debug_log,
    echo_server,
    environment,
    leaks,
    port_of,
    refusing_port,
    texts_of_error,
    texts_of_records,
)

API = "https://api.example.test"  # never reached: the proxy refuses the tunnel first
Call = Callable[[AsyncClient], Awaitable[Any]]


async def _get(client: AsyncClient) -> Any:
    return await client.numbers.get(1)


async def _add_sip(client: AsyncClient, password: str) -> Any:
    return await client.numbers.add_sip_registration(
        number="79001234567",
        login="sip-login",
        password=password,
        server_host="sip.example.test",
        server_port=5060,
    )


async def failed(token: str, call: Call = _get, **options: Any) -> tuple[APIError, list[str]]:
    """The error ``call`` ended in, on a client made with ``options`` (no retries), and
    the reprs of the hooks' events."""
    events: list[str] = []

    def hook(event: object) -> None:
        events.append(repr(event))

    async with AsyncClient(
        token, max_retries=0, on_request=hook, on_response=hook, **options
    ) as client:
        with pytest.raises(APIError) as caught:
            await call(client)
    return caught.value, events


@pytest.mark.parametrize("status", [407, 403, 502])
async def test_a_proxy_refusing_the_tunnel_shows_its_url_without_the_password(
    status: int,
) -> None:
    with echo_server() as proxy, debug_log() as records:
        proxy.status = status
        error, events = await failed(
            EXAMPLE.token, base_url=API, proxy=EXAMPLE.proxy(port_of(proxy))
        )
    assert isinstance(error, APIConnectionError)
    assert f"url='http://proxy-user:***@127.0.0.1:{port_of(proxy)}'" in error.detail
    assert "the proxy refused" in str(error)
    assert f"({status})" in error.reason
    texts = [*texts_of_error("error", error), *texts_of_records(records)]
    assert leaks(EXAMPLE, [*texts, *(("hook event", e) for e in events)]) == []


async def test_a_proxy_of_the_environment_refusing_the_tunnel_shows_no_password() -> None:
    with echo_server() as proxy, debug_log() as records:
        proxy.status = 407
        with environment(HTTPS_PROXY=EXAMPLE.proxy(port_of(proxy))):
            error, _ = await failed(EXAMPLE.token, base_url=API, trust_env=True)
    assert isinstance(error, APIConnectionError)
    assert "proxy-user:***@127.0.0.1" in error.detail
    assert leaks(EXAMPLE, [*texts_of_error("error", error), *texts_of_records(records)]) == []


@pytest.mark.parametrize("style", ECHO_STYLES)
async def test_a_proxy_refusing_the_request_echoing_the_credentials_shows_none(
    style: str,
) -> None:
    with echo_server() as proxy, refusing_port() as api, debug_log() as records:
        proxy.status, proxy.style = 407, style  # an http:// API: the proxy answers itself
        url, through = f"http://127.0.0.1:{api}", EXAMPLE.proxy(port_of(proxy))
        error, _ = await failed(EXAMPLE.token, base_url=url, proxy=through)
    assert isinstance(error, APIStatusError)
    assert error.status == 407
    assert "[redacted]" in error.body  # the page echoed them
    assert leaks(EXAMPLE, [*texts_of_error("error", error), *texts_of_records(records)]) == []


@pytest.mark.parametrize("style", ECHO_STYLES)
@pytest.mark.parametrize("status", [401, 403, 500])
async def test_a_server_echoing_the_token_and_a_password_shows_neither(
    status: int, style: str
) -> None:
    async def add_sip(client: AsyncClient) -> Any:
        return await _add_sip(client, EXAMPLE.sip_password)

    with echo_server() as server, debug_log() as records:
        server.status, server.style = status, style
        url = f"http://127.0.0.1:{port_of(server)}"
        read, _ = await failed(EXAMPLE.token, base_url=url)
        write, _ = await failed(EXAMPLE.token, add_sip, base_url=url)
    for error in (read, write):
        assert isinstance(error, APIStatusError)
        assert error.status == status
        assert error.request_id == "id-[redacted]"
    texts = [*texts_of_error("GET", read), *texts_of_error("POST", write)]
    assert leaks(EXAMPLE, [*texts, *texts_of_records(records)]) == []


async def test_a_refused_connection_shows_no_secret() -> None:
    with refusing_port() as port, debug_log() as records:
        direct, _ = await failed(EXAMPLE.token, base_url=f"http://127.0.0.1:{port}")
        proxied, _ = await failed(EXAMPLE.token, base_url=API, proxy=EXAMPLE.proxy(port))
    assert isinstance(direct, APIConnectionError)
    assert direct.reason == "connection refused"
    assert isinstance(proxied, APIConnectionError)
    assert proxied.reason == "the proxy could not be reached"
    texts = [*texts_of_error("direct", direct), *texts_of_error("proxied", proxied)]
    assert leaks(EXAMPLE, [*texts, *texts_of_records(records)]) == []


@pytest.mark.parametrize(
    ("proxy", "problem"),
    [
        ("http://user:pa\u20acSECRET@127.0.0.1:{port}", "Latin-1 characters only"),
        ("http://user:paSECRET@127.0.0.1:notaport", "URL with a host"),
        ("user:paSECRET@127.0.0.1:{port}", "URL with a host"),
        ("http://us%3Aer:paSECRET@127.0.0.1:{port}", "':' in its user name"),
    ],
)
async def test_an_unusable_environment_proxy_is_refused_without_repeating_it(
    proxy: str, problem: str
) -> None:
    with echo_server() as server, environment(HTTPS_PROXY=proxy.format(port=port_of(server))):
        async with AsyncClient(EXAMPLE.token, base_url=API, trust_env=True) as client:
            with pytest.raises(ValueError, match="HTTPS_PROXY") as caught:
                await client.numbers.get(1)
        with pytest.raises(ValueError, match=problem) as argument:
            AsyncClient(EXAMPLE.token, base_url=API, proxy=proxy.format(port=port_of(server)))
    for error in (caught.value, argument.value):
        assert problem in str(error)
        assert "SECRET" not in "".join(t for _, t in texts_of_error("error", error))


async def _failing_calls(
    secrets: Secrets, proxy_status: int, server_status: int, style: str
) -> tuple[list[APIError], list[str]]:
    """Every failing path once, with ``secrets``: the errors and the hooks' events."""
    errors, events = [], []
    with echo_server() as server, refusing_port() as refused:
        server.style = style
        through, url = secrets.proxy(port_of(server)), f"http://127.0.0.1:{port_of(server)}"

        async def add_sip(client: AsyncClient) -> Any:
            return await _add_sip(client, secrets.sip_password)

        server.status = proxy_status
        runs: list[tuple[Call, dict[str, Any]]] = [
            (_get, {"base_url": API, "proxy": through}),
            (_get, {"base_url": f"http://127.0.0.1:{refused}", "proxy": through}),
            (_get, {"base_url": API, "trust_env": True}),
            (_get, {"base_url": API, "proxy": secrets.proxy(refused)}),
            (_get, {"base_url": f"http://127.0.0.1:{refused}"}),
        ]
        with environment(HTTPS_PROXY=through):
            for call, options in runs:
                error, seen = await failed(secrets.token, call, **options)
                errors.append(error)
                events += seen
            server.status = server_status
            for call in (_get, add_sip):
                error, seen = await failed(secrets.token, call, base_url=url)
                errors.append(error)
                events += seen
    return errors, events


@settings(max_examples=25, deadline=None)
@given(
    SECRETS,
    st.sampled_from([407, 403, 502]),
    st.sampled_from([401, 403, 500]),
    st.sampled_from(ECHO_STYLES),
)
def test_no_drawn_secret_shows_in_any_output_of_a_failing_call(
    secrets: Secrets, proxy_status: int, server_status: int, style: str
) -> None:
    with debug_log() as records:
        calls = _failing_calls(secrets, proxy_status, server_status, style)
        errors, events = asyncio.run(calls)
    kinds = [APIConnectionError, APIStatusError, *[APIConnectionError] * 3, *[APIStatusError] * 2]
    assert [isinstance(e, kind) for e, kind in zip(errors, kinds, strict=True)] == [True] * 7
    for tunnel in (errors[0], errors[2]):  # the proxy's URL is shown, its password masked
        assert ":***@127.0.0.1:" in tunnel.detail  # type: ignore[attr-defined]
    texts = [pair for i, e in enumerate(errors) for pair in texts_of_error(f"error {i}", e)]
    texts += [*texts_of_records(records), *(("hook event", e) for e in events)]
    assert len(records) >= len(errors)
    assert leaks(secrets, texts) == []
