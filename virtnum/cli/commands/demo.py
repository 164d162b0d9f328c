"""``virtnum demo``: the real client against an embedded FakeServer, printed."""

from __future__ import annotations

from typing import IO

from virtnum import AsyncClient
from virtnum.cli.output.formats import DEFAULT_FIELDS, render
from virtnum.testing import FakeServer


async def run_demo(count: int, out: IO[str]) -> None:
    """Start a FakeServer with ``count`` synthetic numbers and run the three seed calls."""
    async with (
        FakeServer(count, token="demo-token") as server,
        AsyncClient("demo-token", base_url=server.url) as client,
    ):
        out.write(f"Fake Data API on {server.url} with {count} synthetic numbers\n\n")
        out.write("1. GET /numbers/virtual-number/1\n")
        number = await client.numbers.get(1)
        render([number], "table", DEFAULT_FIELDS, out)
        everything = await client.numbers.list()
        out.write(f"\n2. GET /numbers/virtual-number -> {len(everything)} numbers, first 5:\n")
        render(everything[:5], "table", DEFAULT_FIELDS, out)
        outbound = await client.numbers.list_outbound()
        out.write(
            "\n3. GET /numbers/virtual-number?purpose__ne=not_specified&state=active"
            f"&type=def&type=abc -> {len(outbound)} numbers, first 5:\n"
        )
        render(outbound[:5], "table", DEFAULT_FIELDS, out)
        ids = [n.id for n in everything[:50]]
        fetched = await client.numbers.get_many(ids, concurrency=8)
        same = sum(a == b for a, b in zip(fetched, everything[:50], strict=True))
        out.write(f"\nBulk: get_many of {len(ids)} ids -> {same} identical to the list\n")
