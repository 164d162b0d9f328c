"""What the stateful test switches on around the calls: faults of the FakeServer, the
filters it lists with, and the timeouts that make a stall a timeout."""

from __future__ import annotations

import socket

from hypothesis import strategies as st

from virtnum.testing import FakeServer

from ._ledger import FILTER_VALUES, View

Where = dict[str, tuple[str, ...]]
Faults = list[tuple[str, int]]
TIMEOUT = 0.15  # the client's per-attempt timeout
STALL = 0.35  # a "delay" fault: longer than TIMEOUT
HELD = 60.0  # a stale answer waits for StaleAnswers.flush(), at the end of a step
FAULTS = (
    "503",
    "500",
    "429",
    "429-overload",
    "reset",
    "delay",
    "truncate",
    "garbage",
    "redirect",
    "stale-200",
    "stale-404",
)


def _where() -> st.SearchStrategy[Where]:
    def condition(key: str) -> st.SearchStrategy[tuple[str, tuple[str, ...]]]:
        values = st.lists(
            st.sampled_from(FILTER_VALUES[key.partition("__")[0]]),
            min_size=1,
            max_size=2,
            unique=True,
        )
        return st.tuples(st.just(key), values.map(tuple))

    keys = [field + op for field in FILTER_VALUES for op in ("", "__ne")]
    return st.lists(st.sampled_from(keys).flatmap(condition), max_size=2).map(dict)


WHERE = _where()
#: Faults switched on just before a step's calls: (kind, how many requests).
FAULTS_NOW = st.lists(st.tuples(st.sampled_from(FAULTS), st.integers(1, 3)), max_size=2)


def switch_on(server: FakeServer, chosen: Faults) -> None:
    for kind, count in chosen:
        add_fault(server, kind, count)


def add_fault(server: FakeServer, kind: str, count: int) -> None:
    faults = server.faults
    if kind in ("503", "500"):
        faults.fail(int(kind), count=count)
    elif kind == "429":
        faults.fail(429, retry_after="0", count=count)
    elif kind == "429-overload":
        faults.fail(429, count=count)
    elif kind == "delay":
        faults.delay(STALL, count=count)
    elif kind == "redirect":
        faults.redirect("/numbers/virtual-number", count=count)
    elif kind.startswith("stale-"):
        faults.stale(int(kind.removeprefix("stale-")), count=count, seconds=HELD)
    else:
        getattr(faults, kind)(count=count)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def differences(before: View, after: View) -> str:
    """Which ids, capacity and passwords differ (never the passwords themselves)."""
    ids = sorted(
        i
        for i in before.numbers.keys() | after.numbers.keys()
        if before.numbers.get(i) != after.numbers.get(i)
    )
    parts = [f"numbers differ at ids {ids}"] if ids else []
    if before.available != after.available:
        parts.append(f"available {sorted(before.available ^ after.available)} differ")
    if before.passwords != after.passwords:
        parts.append("passwords differ")
    return "; ".join(parts) or "no difference"
