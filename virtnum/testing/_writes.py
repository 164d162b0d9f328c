"""The FakeServer's write endpoints: edit, add (SIP registration, mobile) and delete.

Each handler finds the number, checks the body (``_validation``) and only then stores
anything; a refusal is ``Refused``, which the server answers as JSON.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from virtnum.testing._capacity import Capacity
from virtnum.testing._data import synthetic_numbers
from virtnum.testing._http import Refused, find_number, json_response
from virtnum.testing._validation import (
    MOBILE,
    SIP_REGISTRATION,
    check_body,
    check_update,
    decode,
)

__all__ = ["WriteHandlers"]

_PATH = "/numbers/virtual-number"


class WriteHandlers:
    """Handlers bound to a FakeServer's ``numbers`` and ``secrets`` (passwords kept apart);
    a mobile number is added only from ``capacity``."""

    def __init__(self, numbers: dict[int, dict[str, Any]], capacity: Capacity) -> None:
        self.numbers = numbers
        self.secrets: dict[int, str] = {}
        self.capacity = capacity

    def routes(self, app: web.Application) -> None:
        app.router.add_put(_PATH + "/{id}", self.update)
        app.router.add_delete(_PATH + "/{id}", self.delete)
        app.router.add_post(_PATH, self.add_sip_registration)
        app.router.add_post("/numbers/unconfirmed", self.add_mobile)

    async def update(self, request: web.Request) -> web.Response:
        record = find_number(self.numbers, request)
        body = check_update(decode(await request.read()), record)
        if "password" in body:
            self.secrets[record["id"]] = body["password"]
        record.update({k: v for k, v in body.items() if k != "password"})
        if body.get("purpose") not in (None, "employee"):
            record["employee_id"] = None
        return json_response(body)

    async def delete(self, request: web.Request) -> web.Response:
        record = find_number(self.numbers, request)
        if record.get("type") == "abc":
            raise Refused("city (abc) numbers cannot be deleted")
        del self.numbers[record["id"]]
        self.secrets.pop(record["id"], None)
        return json_response({"id": record["id"]})

    def _create(self, fields: dict[str, Any]) -> dict[str, Any]:
        number_id = max(self.numbers, default=0) + 1
        blank = dict.fromkeys(synthetic_numbers(1)[0])
        record = {**blank, "from_redirect_numbers": [], **fields, "id": number_id}
        self.numbers[number_id] = record
        return record

    async def add_sip_registration(self, request: web.Request) -> web.Response:
        body = check_body(decode(await request.read()), SIP_REGISTRATION)
        fields = {k: v for k, v in body.items() if k != "password"}
        record = self._create({**fields, "state": "active"})
        self.secrets[record["id"]] = body["password"]
        return json_response({**body, "id": record["id"]})

    async def add_mobile(self, request: web.Request) -> web.Response:
        body = check_body(decode(await request.read()), MOBILE)
        self.capacity.take(body["number"])
        record = self._create({**body, "state": "activation", "employee_id": None})
        self.capacity.activate_later(record)
        return json_response(record)
