"""Fixtures of the aioresponses-mocked tests: aiohttp 3.14's stub, a mocked API's client."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aioresponses import core as aioresponses_core
from yarl import URL

from virtnum import AsyncClient

from ._calls import BASE, TOKEN


class _CompatClientResponse(aiohttp.ClientResponse):
    """aiohttp 3.14 made ``stream_writer`` a required argument of ClientResponse, which
    aioresponses 0.7.9 does not pass (pnuckowski/aioresponses#289); supply a stub."""

    def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


@pytest.fixture(autouse=True)
def _aioresponses_compat(monkeypatch: pytest.MonkeyPatch) -> None:
    if "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters:
        monkeypatch.setattr(aioresponses_core, "ClientResponse", _CompatClientResponse)


@pytest.fixture
async def mocked_client() -> AsyncIterator[AsyncClient]:
    """A client of the mocked API (aioresponses), with no retries."""
    api = AsyncClient(TOKEN, base_url=BASE, max_retries=0)
    try:
        yield api
    finally:
        await api.close()
