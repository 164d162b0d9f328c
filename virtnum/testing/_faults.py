"""Fault injection for FakeServer: fail, reset, delay, truncate, garble, redirect, or
send a stale extra answer."""

from __future__ import annotations

import functools
import random
import zlib
from collections import Counter

import attrs

__all__ = ["Fault", "Faults"]


@attrs.define
class Fault:
    """One rule: what to do, to how many requests (``count``) or what share (``fraction``)."""

    kind: str
    count: int | None = None
    fraction: float | None = None
    status: int = 503
    retry_after: str | None = None
    seconds: float = 0.0
    body: bytes = b""
    paths: tuple[str, ...] = ()

    def applies(self, rng: random.Random, path: str) -> bool:
        if self.paths and not any(path.startswith(p) for p in self.paths):
            return False
        if self.count is not None:
            if self.count <= 0:
                return False
            if self.fraction is None:
                self.count -= 1
                return True
        if self.fraction is not None and rng.random() < self.fraction:
            if self.count is not None:
                self.count -= 1
            return True
        return self.count is None and self.fraction is None


class Faults:
    """The faults a FakeServer injects, checked in the order they were added.

    ``count`` limits a rule to the next N requests it matches; ``fraction`` applies it
    to that share of requests, drawn from an RNG seeded by ``seed`` (reproducible).
    ``injected`` counts what was done, by kind.
    """

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self.rules: list[Fault] = []
        self.injected: Counter[str] = Counter()

    def _add(self, fault: Fault) -> Fault:
        if fault.fraction is not None and not 0 <= fault.fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        self.rules.append(fault)
        return fault

    def fail(
        self,
        status: int = 503,
        *,
        count: int | None = None,
        fraction: float | None = None,
        retry_after: str | float | None = None,
        body: bytes = b'{"error": "injected failure"}',
        paths: tuple[str, ...] = (),
    ) -> Fault:
        """Answer with ``status`` (and ``Retry-After`` if given) instead of the real reply."""
        after = None if retry_after is None else str(retry_after)
        return self._add(Fault("fail", count, fraction, status, after, body=body, paths=paths))

    def reset(self, *, count: int | None = None, fraction: float | None = None) -> Fault:
        """Close the connection without answering."""
        return self._add(Fault("reset", count, fraction))

    def delay(
        self, seconds: float, *, count: int | None = None, fraction: float | None = None
    ) -> Fault:
        """Wait ``seconds`` before answering normally."""
        return self._add(Fault("delay", count, fraction, seconds=seconds))

    def truncate(self, *, count: int | None = None, fraction: float | None = None) -> Fault:
        """Send the headers and half the body, then close the connection."""
        return self._add(Fault("truncate", count, fraction))

    def garbage(
        self,
        body: bytes = b"<html><body>502 Bad Gateway</body></html>",
        *,
        status: int = 200,
        count: int | None = None,
        fraction: float | None = None,
    ) -> Fault:
        """Answer ``status`` with a body that is not the API's JSON (a proxy's page)."""
        return self._add(Fault("garbage", count, fraction, status, body=body))

    def redirect(
        self,
        location: str,
        *,
        status: int = 302,
        count: int | None = None,
        fraction: float | None = None,
    ) -> Fault:
        """Answer with a redirect to ``location`` (an absolute URL or a path)."""
        return self._add(Fault("redirect", count, fraction, status, body=location.encode()))

    def oversized(
        self,
        size: int,
        *,
        compressed: bool = True,
        count: int | None = None,
        fraction: float | None = None,
    ) -> Fault:
        """Answer 200 with a JSON body of ``size`` bytes; ``compressed``: gzip, so a few
        hundred KB on the wire inflate to ``size`` (a decompression bomb)."""
        return self._add(
            Fault("oversized", count, fraction, 200, body=_padding(size, compressed=compressed))
        )

    def stale(
        self,
        status: int = 200,
        *,
        seconds: float = 0.02,
        count: int | None = None,
        fraction: float | None = None,
        paths: tuple[str, ...] = (),
    ) -> Fault:
        """Answer normally, then ``seconds`` later write one more, unrequested, complete
        keep-alive response (``status``: 200 ``[]``, else a JSON error) on the idle
        connection, as a broken proxy may: a client that reuses it reads a stale answer."""
        return self._add(Fault("stale", count, fraction, status, seconds=seconds, paths=paths))

    def clear(self) -> None:
        """Remove every rule (the counts in ``injected`` stay)."""
        self.rules.clear()

    def pick(self, path: str) -> Fault | None:
        """The first rule that applies to this request, counted in ``injected``."""
        for rule in self.rules:
            if rule.applies(self._rng, path):
                self.injected[rule.kind] += 1
                return rule
        return None


@functools.lru_cache(maxsize=4)
def _padding(size: int, *, compressed: bool) -> bytes:
    """``[`` + spaces + ``]`` of ``size`` bytes, gzip-compressed a block at a time."""
    if size < 2:
        raise ValueError("size must be at least 2 bytes")
    if not compressed:
        return b"[" + b" " * (size - 2) + b"]"
    gzip = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts, block = [gzip.compress(b"[")], b" " * (1 << 20)
    left = size - 2
    while left > 0:
        parts.append(gzip.compress(block[: min(left, len(block))]))
        left -= len(block)
    parts.append(gzip.compress(b"]"))
    parts.append(gzip.flush())
    return b"".join(parts)
