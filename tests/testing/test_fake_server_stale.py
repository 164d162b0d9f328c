"""The stale-bytes fault: after the real answer, one unrequested response arrives on the
idle keep-alive connection (as a broken proxy may send it)."""

from __future__ import annotations

import asyncio

from virtnum.testing import FakeServer

from .._support import TOKEN

REQUEST = (
    "GET /numbers/virtual-number/1 HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    f"Authorization: {TOKEN}\r\n"
    "Connection: keep-alive\r\n\r\n"
).encode()


async def read_response(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """One HTTP/1.1 response with a Content-Length: its status line and its body."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head.split(b"\r\n", 1)[0], await reader.readexactly(length)


async def connect(server: FakeServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = server.url.removeprefix("http://").split(":")
    return await asyncio.open_connection(host, int(port))


async def test_an_unrequested_answer_follows_the_real_one(server: FakeServer) -> None:
    server.faults.stale(404, count=1)
    reader, writer = await connect(server)
    try:
        writer.write(REQUEST)
        status, body = await asyncio.wait_for(read_response(reader), 10)
        assert status == b"HTTP/1.1 200 OK"
        assert b'"id":1' in body
        assert not server.idle  # the extra answer is still to come
        status, body = await asyncio.wait_for(read_response(reader), 10)
        assert status == b"HTTP/1.1 404 Not Found"
        assert body == b'{"error": "unrequested answer"}'
        assert server.idle
        assert server.stale.written == 1
        writer.write(REQUEST)  # the connection is still open and served
        status, _ = await asyncio.wait_for(read_response(reader), 10)
        assert status == b"HTTP/1.1 200 OK"
    finally:
        writer.close()
        await writer.wait_closed()


async def test_flush_writes_the_held_answers_now(server: FakeServer) -> None:
    server.faults.stale(200, count=1, seconds=3600)
    reader, writer = await connect(server)
    try:
        writer.write(REQUEST)
        await asyncio.wait_for(read_response(reader), 10)
        assert server.stale.pending == 1
        server.stale.flush()
        status, body = await asyncio.wait_for(read_response(reader), 10)
        assert (status, body) == (b"HTTP/1.1 200 OK", b"[]")
        assert server.idle
    finally:
        writer.close()
        await writer.wait_closed()
