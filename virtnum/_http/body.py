"""Reading a response body with a bound on its size, compressed bodies included.

aiohttp inflates a gzip body as it is read, a step at a time; counting the inflated
chunks lets a 500 KB body that would inflate to 500 MB be refused after the limit,
without the rest ever being read or inflated.
"""

from __future__ import annotations

import aiohttp

__all__ = ["TooLarge", "read_body"]

_CHUNK = 1 << 16


class TooLarge(Exception):
    """The body passed ``limit`` bytes (after decompression); nothing more was read."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


async def read_body(response: aiohttp.ClientResponse, limit: int | None) -> bytes:
    """The whole body, or TooLarge as soon as it passes ``limit`` bytes."""
    if limit is None:
        return await response.read()
    declared = response.content_length
    if declared is not None and not response.headers.get("Content-Encoding"):
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
