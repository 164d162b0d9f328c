"""Plain helpers for the FakeServer's strictness tests: requests sent as raw as a broken
client would send them, and the check that a refusal names its field and changes nothing."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import aiohttp
from yarl import URL

from virtnum.testing import FakeServer

from .._support import TOKEN

HEADERS = {"Authorization": TOKEN}
PATH = "/numbers/virtual-number"
SIP = {
    "number": "74951112233",
    "login": "trunk",
    "password": "pw-not-in-any-answer",
    "server_host": "sip.example.net",
    "server_port": 5060,
    "purpose": "company",
    "type": "sip_registration",
}
MOBILE = {"number": "79001234567", "dgn_number": "74951234567", "purpose": "company", "type": "def"}
NO_BODY = object()


async def call(
    server: FakeServer, method: str, path: str, body: Any = NO_BODY, *, raw: bytes | None = None
) -> tuple[int, str, Any]:
    """``method path`` (already percent-encoded) with a JSON ``body`` or ``raw`` bytes:
    the status, the content type and the JSON answer."""
    data = raw if raw is not None else None if body is NO_BODY else json.dumps(body).encode()
    payload = None if data is None else io.BytesIO(data)  # large bytes would warn
    headers = {**HEADERS, "Content-Type": "application/json; charset=UTF-8"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method, URL(server.url + path, encoded=True), data=payload, headers=headers
        ) as response,
    ):
        return response.status, response.content_type, json.loads(await response.read())


def state_of(server: FakeServer) -> Any:
    """A copy of all the server stores: numbers, secrets and the capacity list."""
    return copy.deepcopy((server.numbers, server.secrets, server.capacity.available))


async def assert_refused(
    server: FakeServer, method: str, path: str, body: Any, field: str | None, status: int = 400
) -> dict[str, Any]:
    """The request is refused with ``status`` and JSON naming ``field``; nothing changed,
    and the list serves what it served before."""
    before = state_of(server)
    _, _, listed = await call(server, "GET", PATH)
    got, content_type, answer = await call(server, method, path, body)
    assert (got, content_type) == (status, "application/json"), answer
    if field is not None:
        assert answer["field"] == field
        assert field in answer["error"]
    assert state_of(server) == before
    assert (await call(server, "GET", PATH))[2] == listed
    return answer  # type: ignore[no-any-return]
