"""The client's construction: the token and base URL from arguments or the environment,
and plain HTTP only to loopback unless opted in (aioresponses, no network)."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from virtnum import AsyncClient, VirtnumError

from ._calls import BASE, NUMBER_1, PAYLOAD, TOKEN, calls, only_call


def test_missing_token_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTNUM_TOKEN", raising=False)
    with pytest.raises(VirtnumError, match="VIRTNUM_TOKEN"):
        AsyncClient(base_url=BASE)


def test_empty_token_env_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTNUM_TOKEN", "")
    with pytest.raises(VirtnumError, match="VIRTNUM_TOKEN"):
        AsyncClient(base_url=BASE)


async def test_token_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTNUM_TOKEN", "env-token-777")
    async with AsyncClient(base_url=BASE, max_retries=0) as api:
        with aioresponses() as m:
            m.get(NUMBER_1, payload=PAYLOAD)
            await api.numbers.get(1)
    assert only_call(m).kwargs["headers"]["Authorization"] == "env-token-777"


async def test_base_url_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTNUM_BASE_URL", "https://env.test/")
    async with AsyncClient(TOKEN, max_retries=0) as api:
        assert api.base_url == "https://env.test"
        with aioresponses() as m:
            m.get("https://env.test/numbers/virtual-number/1", payload=PAYLOAD)
            assert (await api.numbers.get(1)).id == 1
    assert [str(url) for _, url, _ in calls(m)] == ["https://env.test/numbers/virtual-number/1"]


async def test_explicit_base_url_beats_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIRTNUM_BASE_URL", "https://env.test")
    api = AsyncClient(TOKEN, base_url=BASE)
    try:
        assert api.base_url == BASE
    finally:
        await api.close()


async def test_default_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIRTNUM_BASE_URL", raising=False)
    api = AsyncClient(TOKEN)
    try:
        assert api.base_url == "https://simple-api.cp.megafon.ru"
    finally:
        await api.close()


@pytest.mark.parametrize(
    "url", ["http://api.test", "http://example.com/prefix", "http://10.0.0.1:8080"]
)
def test_plain_http_to_remote_host_refused(url: str) -> None:
    with pytest.raises(ValueError, match="allow_insecure_http"):
        AsyncClient(TOKEN, base_url=url)


@pytest.mark.parametrize("url", ["http://api.test", "http://10.0.0.1:8080"])
async def test_plain_http_allowed_when_opted_in(url: str) -> None:
    api = AsyncClient(TOKEN, base_url=url, allow_insecure_http=True)
    try:
        assert api.base_url == url
    finally:
        await api.close()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1", "http://127.0.0.1:8080", "http://localhost:9000", "http://[::1]:80"]
)
async def test_plain_http_to_loopback_is_fine(url: str) -> None:
    api = AsyncClient(TOKEN, base_url=url)
    try:
        assert api.base_url.startswith("http://")
    finally:
        await api.close()


async def test_plain_http_loopback_request(monkeypatch: pytest.MonkeyPatch) -> None:
    async with AsyncClient(TOKEN, base_url="http://127.0.0.1:8080", max_retries=0) as api:
        with aioresponses() as m:
            m.get("http://127.0.0.1:8080/numbers/virtual-number/1", payload=PAYLOAD)
            assert (await api.numbers.get(1)).id == 1
