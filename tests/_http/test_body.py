"""max_response_size: a body (decompressed) over the limit is refused without reading on."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

import pytest

from virtnum import (
    APIError,
    AsyncClient,
    NotFoundError,
    ResponseTooLargeError,
    ResponseValidationError,
)
from virtnum.testing import FakeServer

from .._support import TOKEN, run_python
from ._raw import raw_response, raw_server

MB = 1 << 20


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
async def test_a_body_over_the_limit_is_refused_once(compressed: bool) -> None:
    async with FakeServer(5, token=TOKEN) as server:
        server.faults.oversized(3 * MB, compressed=compressed, count=1)
        async with AsyncClient(TOKEN, base_url=server.url, max_response_size=MB) as client:
            with pytest.raises(ResponseTooLargeError) as info:
                await client.numbers.list()
            assert (await client.numbers.get(2)).id == 2  # the client still works
    error = info.value
    assert isinstance(error, APIError)
    assert error.limit == MB
    assert error.attempts == 1  # a too-large body is not retried
    assert "1,048,576 bytes" in str(error)
    assert server.requests_served == 2


async def test_bodies_under_the_limit_and_no_limit_are_read_whole() -> None:
    async with FakeServer(200, token=TOKEN, compress=True) as server:
        for limit in (None, 10 * MB):
            async with AsyncClient(TOKEN, base_url=server.url, max_response_size=limit) as api:
                assert len(await api.numbers.list()) == 200
        assert "gzip" in server.requests[-1].headers.get("Accept-Encoding", "")


async def test_the_default_limit_fits_a_large_account() -> None:
    client = AsyncClient(TOKEN, base_url="http://127.0.0.1:9")
    assert client._transport.config.max_response_size == 256 * MB


BOMB = """
import asyncio, sys
from virtnum import AsyncClient, ResponseTooLargeError
from virtnum.testing import FakeServer

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024

async def main():
    async with FakeServer(1, token="t") as server:
        server.faults.oversized(512 << 20, compressed=True)  # ~500 KB that inflate to 512 MiB
        async with AsyncClient("t", base_url=server.url, max_response_size=10 << 20) as client:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # reset the peak (VmHWM) to the current RSS
            before = rss("VmRSS")
            try:
                await client.numbers.list()
            except ResponseTooLargeError:
                print(rss("VmHWM") - before)

asyncio.run(main())
"""


def test_a_decompression_bomb_leaves_peak_memory_bounded() -> None:
    result = run_python(BOMB, seconds=120)
    assert result.returncode == 0, result.stderr
    growth = int(result.stdout)
    assert growth < 100 * MB, f"peak RSS grew by {growth / MB:.0f} MB"


# ------------------------------------------------------------ Content-Encoding

RECORD = b'{"id": 1, "number": "79200000001"}'


def _encoded(status: str, encoding: str, body: bytes = RECORD) -> Callable[[bytes, bytes], bytes]:
    answer = raw_response(status, body, f"Content-Encoding: {encoding}\r\n")
    return lambda head, _: answer


@pytest.mark.parametrize("encoding", ["zstd", "br", "compress2", "gzip, zstd"])
async def test_an_unsupported_content_encoding_is_one_attempt_and_named(encoding: str) -> None:
    async with (
        raw_server(_encoded("200 OK", encoding)) as server,
        AsyncClient(TOKEN, base_url=server.url) as client,
    ):
        with pytest.raises(ResponseValidationError) as info:
            await client.numbers.get(1)
    assert str(info.value) == (
        "GET /numbers/virtual-number/1: could not decode the response: "
        f"Content-Encoding {encoding} is not supported"
    )
    assert len(server.heads) == 1


async def test_an_undecodable_answer_to_a_write_says_the_write_was_answered() -> None:
    async with (
        raw_server(_encoded("201 Created", "zstd")) as server,
        AsyncClient(TOKEN, base_url=server.url, retry_post=True) as client,
    ):
        with pytest.raises(ResponseValidationError) as info:
            await client.numbers.add_mobile(
                number="79200000001", dgn_number="79200000002", purpose="company"
            )
    assert "answered 201, so it was done" in str(info.value)
    assert "Content-Encoding zstd is not supported" in str(info.value)
    assert len(server.heads) == 1


async def test_a_failure_status_with_an_undecodable_body_keeps_its_status() -> None:
    async with (
        raw_server(_encoded("404 Not Found", "zstd")) as server,
        AsyncClient(TOKEN, base_url=server.url) as client,
    ):
        with pytest.raises(NotFoundError):
            await client.numbers.get(1)


@pytest.mark.parametrize(
    ("encoding", "packed"),
    [
        ("gzip", gzip.compress(RECORD)),
        ("deflate", zlib.compress(RECORD)),
        ("deflate", zlib.compress(RECORD)[2:-4]),  # raw deflate, as some servers send it
    ],
    ids=["gzip", "deflate", "raw-deflate"],
)
async def test_gzip_and_deflate_bodies_are_decoded(encoding: str, packed: bytes) -> None:
    async with (
        raw_server(_encoded("200 OK", encoding, packed)) as server,
        AsyncClient(TOKEN, base_url=server.url) as client,
    ):
        assert (await client.numbers.get(1)).number == "79200000001"
