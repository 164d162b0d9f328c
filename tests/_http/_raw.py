"""A raw HTTP/1.1 server on 127.0.0.1 (asyncio.start_server) for byte-level misbehaviour:
it answers each request from a script, and can write unrequested bytes on the
connection it answered last."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import attrs

__all__ = ["RawServer", "raw_response", "raw_server"]


def raw_response(status: str, body: bytes = b"", extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra}"
    return head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body


#: ``script(request_head, request_body)``: the bytes of the answer (None: close instead).
Script = Callable[[bytes, bytes], bytes | None]


@attrs.define
class RawServer:
    url: str
    heads: list[bytes] = attrs.field(factory=list)
    connections: list[int] = attrs.field(factory=list)  # per request: its connection's number
    opened: int = 0
    last: asyncio.StreamWriter | None = None

    async def unrequested(self, data: bytes) -> None:
        """Write ``data`` on the connection answered last, while no request waits on it,
        and give the client's side of the loop a few turns to take it in (loopback bytes
        are readable as soon as they are written)."""
        assert self.last is not None
        self.last.write(data)
        await self.last.drain()
        for _ in range(5):
            await asyncio.sleep(0)


@asynccontextmanager
async def raw_server(script: Script) -> AsyncIterator[RawServer]:
    raw = RawServer("")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raw.opened += 1
        number = raw.opened
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                body = await reader.readexactly(length)
                raw.heads.append(head)
                raw.connections.append(number)
                answer = script(head, body)
                if answer is None:
                    break
                raw.last = writer
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    raw.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield raw
    finally:
        server.close()
        await server.wait_closed()
