"""rate_limit: requests per second for the whole client, with at most a second of burst."""

from __future__ import annotations

import time

import pytest

from virtnum import AsyncClient
from virtnum.testing import FakeServer

from .._support import TOKEN

RATE = 20.0


def _most_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t - start <= window) for i, start in enumerate(times))


async def test_requests_keep_to_the_rate_including_copies_and_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every request sent, retries included, takes a token of the bucket a copy shares;
    the instants the bucket lets them go (reservation + wait, not the arrivals, which a
    busy machine bunches) never exceed the rate plus a second's burst in any window."""
    arrivals = 0
    releases: list[float] = []
    async with FakeServer(60, token=TOKEN) as server:
        original = server._respond

        async def counted(request, handler):  # type: ignore[no-untyped-def]
            nonlocal arrivals
            arrivals += 1
            return await original(request, handler)

        monkeypatch.setattr(server, "_respond", counted)
        server.faults.fail(503, retry_after="0", count=5)  # retries pass the bucket too
        async with AsyncClient(TOKEN, base_url=server.url, rate_limit=RATE) as client:
            copy = client.with_options(max_retries=5)
            bucket = copy._transport._shared.bucket
            assert bucket is client._transport._shared.bucket
            reserve = bucket._reserve

            def stamped() -> float:
                delay = reserve()
                releases.append(time.monotonic() + delay)
                return delay

            monkeypatch.setattr(bucket, "_reserve", stamped)
            numbers = await copy.numbers.get_many(range(1, 41), concurrency=16)
    assert [n.id for n in numbers] == list(range(1, 41))
    assert arrivals == len(releases) == 45
    for window in (0.25, 0.5, 1.0):
        assert _most_in_window(releases, window) <= RATE + RATE * window + 1


@pytest.mark.parametrize("bad", [0, -1, 0.0, float("inf"), "5", True])
def test_a_bad_rate_limit_is_refused_at_construction(bad: object) -> None:
    with pytest.raises(ValueError, match="rate_limit"):
        AsyncClient(TOKEN, base_url="http://127.0.0.1:9", rate_limit=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1, 1.5, "10", True])
def test_a_bad_max_response_size_is_refused_at_construction(bad: object) -> None:
    with pytest.raises(ValueError, match="max_response_size"):
        AsyncClient(TOKEN, base_url="http://127.0.0.1:9", max_response_size=bad)  # type: ignore[arg-type]
