"""Smaller socket reads on plain-http connections, for fewer system calls per response.

asyncio's socket transport ``recv``s ``max_size`` bytes (256 KiB) on every read and
shrinks the result: with glibc that allocation is above the mmap threshold (128 KiB),
so each read costs an mmap, an mremap and a munmap, plus page faults (on a VM, about a
quarter of a small request's CPU: `benchmarks/RESULTS.md`). 64 KiB reads come from the
heap. A TLS connection's decrypted reads (asyncio's ``SSLProtocol`` under the
transport) allocate the same way and get the same bound. Another event loop's
transports have no such attribute and are left alone.
"""

from __future__ import annotations

import aiohttp

__all__ = ["READ_SIZE", "smaller_reads"]

READ_SIZE = 64 * 1024


def smaller_reads(response: aiohttp.ClientResponse) -> None:
    """Make the response's connection read at most ``READ_SIZE`` bytes at a time.

    A small body is read with the headers and its connection already released, so the
    transport is reached through the response's protocol (aiohttp's and asyncio's
    attributes, not their documented API: if one is renamed, this does nothing)."""
    protocol = getattr(response, "_protocol", None)
    transport = getattr(protocol, "transport", None)
    reader = getattr(transport, "_ssl_protocol", transport)  # TLS: the layer that reads
    size = getattr(reader, "max_size", None)
    if type(size) is int and size > READ_SIZE:
        reader.max_size = READ_SIZE  # type: ignore[union-attr]
