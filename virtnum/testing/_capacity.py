"""The FakeServer's mobile capacity: numbers the contract can add, and their activation.

``GET /numbers/def-virtual-number-capacity`` lists them; ``POST /numbers/unconfirmed``
takes one off the list into the account's numbers in state ``activation``, which turns
``active`` after ``activation_delay`` seconds (never, with ``None``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp import web

from virtnum.testing._http import Refused, json_response

__all__ = ["CAPACITY_PATH", "Capacity", "synthetic_capacity"]

CAPACITY_PATH = "/numbers/def-virtual-number-capacity"


def synthetic_capacity(count: int, *, first: int = 79001234567) -> list[dict[str, Any]]:
    """``count`` capacity records shaped like the documents' example: the id is the
    number, every other ``dgn_number`` is the documents' empty ``""``, state ``freeze``."""
    return [
        {
            "id": str(first + offset),
            "number": str(first + offset),
            "dgn_number": "" if offset % 2 else str(74951234567 + offset),
            "state": "freeze",
        }
        for offset in range(count)
    ]


class Capacity:
    """The capacity records, by number, and the activation of the numbers taken."""

    def __init__(
        self,
        available: int | Iterable[Mapping[str, Any]],
        numbers: Mapping[int, dict[str, Any]],
        activation_delay: float | None,
    ) -> None:
        records = synthetic_capacity(available) if isinstance(available, int) else available
        taken = {record.get("number") for record in numbers.values()}
        self.available: dict[str, dict[str, Any]] = {
            str(record["number"]): dict(record)
            for record in records
            if record.get("number") not in taken
        }
        self.activation_delay = activation_delay
        self._numbers = numbers

    def routes(self, app: web.Application) -> None:
        app.router.add_get(CAPACITY_PATH, self.list)

    async def list(self, request: web.Request) -> web.Response:
        return json_response(list(self.available.values()))

    def take(self, number: Any) -> dict[str, Any]:
        """Remove ``number`` from the list (Refused, 400, if it is not there)."""
        record = self.available.pop(number, None) if isinstance(number, str) else None
        if record is None:
            raise Refused(
                f"number {str(number)[:20]} is not available to this account "
                f"(see GET {CAPACITY_PATH})",
                field="number",
            )
        return record

    def activate_later(self, record: dict[str, Any]) -> None:
        """Turn ``record`` from ``activation`` to ``active`` after the delay."""
        if self.activation_delay is None:
            return
        asyncio.get_running_loop().call_later(self.activation_delay, self._activate, record)

    def _activate(self, record: dict[str, Any]) -> None:
        # a number deleted (or edited away from activation) meanwhile is left alone
        if self._numbers.get(record["id"]) is record and record["state"] == "activation":
            record["state"] = "active"
