"""Reading a response body with a bound on its size, compressed bodies included.

The transport takes the bytes as sent (aiohttp's ``auto_decompress=False``) and inflates
them here, a bounded step at a time, so a 500 KB body that would inflate to 500 MB is
refused after the limit without the rest ever being read or inflated. Decoding here,
not in aiohttp, also lets an encoding that cannot be decoded be reported with the status
the server answered (aiohttp's decoder fails before the status is seen). Only what
``ACCEPT_ENCODING`` asks for is decoded; anything else is ``Undecodable``.
"""

from __future__ import annotations

import zlib

import aiohttp

__all__ = ["ACCEPT_ENCODING", "TooLarge", "Undecodable", "read_body"]

_CHUNK = 1 << 16
#: What the client accepts (sent as Accept-Encoding): the encodings it can decode.
ACCEPT_ENCODING = "gzip, deflate"
_GZIP = 16 + zlib.MAX_WBITS


class TooLarge(Exception):
    """The body passed ``limit`` bytes (after decompression); nothing more was read."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


class Undecodable(Exception):
    """The body is in an encoding the client does not decode, or its data is broken;
    ``reason`` says which, in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def read_body(response: aiohttp.ClientResponse, limit: int | None) -> bytes:
    """The whole body, decoded; TooLarge as soon as it passes ``limit`` bytes."""
    encoding = response.headers.get("Content-Encoding")
    if encoding and encoding.strip().lower() != "identity":
        return await _inflated(response, encoding, limit)
    if limit is None:
        return await response.read()
    declared = response.content_length
    if declared is not None:
        if declared > limit:
            raise TooLarge(limit)
        return await response.read()  # its length is known and within the limit
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise TooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def _inflated(response: aiohttp.ClientResponse, encoding: str, limit: int | None) -> bytes:
    token = encoding.strip().lower()
    if token not in ("gzip", "x-gzip", "deflate"):
        raise Undecodable(f"Content-Encoding {encoding[:60]} is not supported")
    inflater = None
    chunks: list[bytes] = []
    size = 0
    try:
        async for data in response.content.iter_chunked(_CHUNK):
            if inflater is None and data:
                inflater = zlib.decompressobj(_wbits(token, data[0]))
            while data and inflater is not None:
                # at most one byte past the limit: enough to know it is passed
                out = inflater.decompress(data, 0 if limit is None else limit - size + 1)
                size += len(out)
                if limit is not None and size > limit:
                    raise TooLarge(limit)
                chunks.append(out)
                data = inflater.unconsumed_tail
    except zlib.error:
        raise Undecodable(f"its {token} data is corrupt") from None
    if inflater is not None and not inflater.eof:
        raise Undecodable(f"its {token} data ends early")
    return b"".join(chunks)


def _wbits(token: str, first: int) -> int:
    """zlib's window setting: gzip; zlib-wrapped deflate (RFC 1950); or raw deflate,
    which some servers send as "deflate"."""
    if token != "deflate":
        return _GZIP
    return zlib.MAX_WBITS if first & 0x0F == 8 else -zlib.MAX_WBITS
