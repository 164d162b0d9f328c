"""An answer that arrives on an idle pooled connection is never the next call's answer
(aiohttp issue 13656): the connection is discarded and the call gets its own answer."""

from __future__ import annotations

import json

import pytest

from virtnum import AsyncClient, NotFoundError, ResponseValidationError

from .._support import TOKEN
from ._raw import raw_response, raw_server

NOT_FOUND = raw_response("404 Not Found", b'{"error": "not found"}')


def _record(id: int) -> bytes:
    return json.dumps({"id": id, "number": f"7920000000{id}"}).encode()


def _numbers(head: bytes, body: bytes) -> bytes:
    """Numbers 1 and 2: get, list, delete (404 for any other id); an add makes number 7."""
    method, target = head.split(b" ")[:2]
    if method == b"POST":
        return raw_response("201 Created", _record(7))
    last = target.rsplit(b"/", 1)[1]
    if last == b"virtual-number":
        return raw_response("200 OK", b"[" + _record(1) + b"," + _record(2) + b"]")
    if int(last) not in (1, 2):
        return NOT_FOUND
    if method == b"DELETE":
        return raw_response("204 No Content")
    return raw_response("200 OK", _record(int(last)))


async def test_each_call_gets_its_own_answer_after_an_unrequested_one() -> None:
    async with raw_server(_numbers) as server, AsyncClient(TOKEN, base_url=server.url) as client:
        assert (await client.numbers.get(1)).id == 1
        await server.unrequested(raw_response("200 OK", b"[]"))
        assert [n.id for n in await client.numbers.list()] == [1, 2]
        await server.unrequested(NOT_FOUND)
        assert (await client.numbers.get(2)).id == 2
        await server.unrequested(raw_response("204 No Content"))
        with pytest.raises(NotFoundError):
            await client.numbers.delete(3)
    assert len(server.heads) == 4  # each call sent once: the stale connections never were


async def test_a_post_on_a_stale_connection_is_sent_once_on_a_fresh_one() -> None:
    async with raw_server(_numbers) as server, AsyncClient(TOKEN, base_url=server.url) as client:
        await client.numbers.get(1)
        await server.unrequested(NOT_FOUND)
        added = await client.numbers.add_sip_registration(
            number="74950000007", login="l", password="secret-pw", server_host="h", server_port=5060
        )
    assert added.id == 7
    assert [head.split(b" ")[0] for head in server.heads] == [b"GET", b"POST"]
    assert server.connections == [1, 2]


async def test_an_answer_for_another_id_drops_its_connection() -> None:
    def mixed_up(head: bytes, body: bytes) -> bytes:
        if b"/virtual-number/2 " in head:
            return raw_response("200 OK", _record(3))  # an answer out of step
        return _numbers(head, body)

    async with raw_server(mixed_up) as server, AsyncClient(TOKEN, base_url=server.url) as client:
        with pytest.raises(ResponseValidationError):
            await client.numbers.get(2)
        assert (await client.numbers.get(1)).id == 1
    assert server.connections == [1, 2]  # the next call was not sent on that connection
