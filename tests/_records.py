"""A FakeServer's records as tests pick them (by type), and the PUT bodies it received."""

from __future__ import annotations

import json
from typing import Any

from virtnum.testing import FakeServer


def ids_of(server: FakeServer, kind: str, count: int) -> list[int]:
    """The ids of the first ``count`` (or fewer) records of type ``kind``, in id order."""
    return [i for i, r in server.numbers.items() if r["type"] == kind][:count]


def first_of(server: FakeServer, kind: str, **fields: Any) -> int:
    """The id of the server's first number of type ``kind`` with ``fields``."""
    return next(
        i
        for i, r in server.numbers.items()
        if r["type"] == kind and all(r[k] == v for k, v in fields.items())
    )


def puts(server: FakeServer) -> list[dict[str, Any]]:
    """The JSON bodies of the PUT requests ``server`` received, in order."""
    return [json.loads(r.body) for r in server.requests if r.method == "PUT"]
