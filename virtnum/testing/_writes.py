"""The FakeServer's write endpoints: edit, add (SIP registration, mobile) and delete."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from virtnum.testing._data import synthetic_numbers

__all__ = ["WriteHandlers"]

_PATH = "/numbers/virtual-number"
_EDITABLE = {
    "def": {"id", "comment", "purpose", "employee_id"},
    "abc": {"id", "comment", "purpose"},
    "sip_registration": {
        "id", "comment", "purpose", "login", "password", "server_host", "server_port",
    },
}  # fmt: skip
_PURPOSES = {"company", "employee", "not_specified"}


class _Refused(Exception):
    """A request the fake server answers with 400 and this message."""


def _require(body: Mapping[str, Any], *names: str) -> None:
    missing = [name for name in names if body.get(name) in (None, "")]
    if missing:
        raise _Refused(f"missing required fields: {', '.join(missing)}")


def _check_purpose(body: Mapping[str, Any], allowed: set[str]) -> None:
    if "purpose" in body and body["purpose"] not in allowed:
        raise _Refused(f"purpose must be one of {sorted(allowed)}")
    if body.get("purpose") == "employee" and not isinstance(body.get("employee_id"), int):
        raise _Refused("employee_id is required when purpose is employee")


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


class WriteHandlers:
    """Handlers bound to a FakeServer's ``numbers`` and ``secrets`` (passwords kept apart)."""

    def __init__(self, numbers: dict[int, dict[str, Any]]) -> None:
        self.numbers = numbers
        self.secrets: dict[int, str] = {}

    def routes(self, app: web.Application) -> None:
        app.router.add_put(_PATH + "/{id}", self._guard(self.update))
        app.router.add_delete(_PATH + "/{id}", self._guard(self.delete))
        app.router.add_post(_PATH, self._guard(self.add_sip_registration))
        app.router.add_post("/numbers/unconfirmed", self._guard(self.add_mobile))

    @staticmethod
    def _guard(
        handler: Callable[[web.Request, dict[str, Any]], Any],
    ) -> Callable[[web.Request], Any]:
        async def guarded(request: web.Request) -> web.Response:
            try:
                body = await request.json() if request.body_exists else {}
                if not isinstance(body, dict):
                    raise _Refused("the body must be a JSON object")
                return await handler(request, body)  # type: ignore[no-any-return]
            except (_Refused, ValueError) as exc:
                return _json({"error": str(exc)}, 400)

        return guarded

    def _record(self, request: web.Request) -> dict[str, Any]:
        text = request.match_info["id"]
        record = self.numbers.get(int(text)) if text.isdigit() else None
        if record is None:
            raise web.HTTPNotFound(
                text='{"error": "virtual number not found"}', content_type="application/json"
            )
        return record

    async def update(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        record = self._record(request)
        if body.get("id") != record["id"]:
            raise _Refused("the body's id must match the path")
        editable = _EDITABLE.get(record["type"], {"id", "comment"})
        unknown = set(body) - editable
        if unknown:
            raise _Refused(f"fields not editable for {record['type']}: {sorted(unknown)}")
        if record["type"] == "def":
            _require(body, "purpose")
        _check_purpose(body, _PURPOSES if record["type"] == "def" else {"company"})
        if "password" in body:
            self.secrets[record["id"]] = body["password"]
        record.update({k: v for k, v in body.items() if k != "password"})
        if body.get("purpose") not in (None, "employee"):
            record["employee_id"] = None
        return _json(body)

    async def delete(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        record = self._record(request)
        if record["type"] == "abc":
            raise _Refused("city (abc) numbers cannot be deleted")
        del self.numbers[record["id"]]
        self.secrets.pop(record["id"], None)
        return _json({"id": record["id"]})

    def _create(self, fields: dict[str, Any]) -> dict[str, Any]:
        number_id = max(self.numbers, default=0) + 1
        blank = dict.fromkeys(synthetic_numbers(1)[0])
        record = {**blank, "from_redirect_numbers": [], **fields, "id": number_id}
        self.numbers[number_id] = record
        return record

    async def add_sip_registration(
        self, request: web.Request, body: dict[str, Any]
    ) -> web.Response:
        _require(body, "number", "login", "password", "server_host", "server_port", "purpose")
        if body.get("type") != "sip_registration" or body.get("purpose") != "company":
            raise _Refused("type must be sip_registration and purpose company")
        port = body["server_port"]
        if not isinstance(port, int) or not 1 <= port <= 65535:
            raise _Refused("server_port must be 1-65535")
        fields = {k: v for k, v in body.items() if k != "password"}
        record = self._create({**fields, "state": "active"})
        self.secrets[record["id"]] = body["password"]
        return _json({**body, "id": record["id"]})

    async def add_mobile(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        _require(body, "number", "dgn_number", "purpose")
        if body.get("type") != "def":
            raise _Refused("type must be def")
        _check_purpose(body, {"company", "not_specified"})
        record = self._create({**body, "state": "activation", "employee_id": None})
        return _json(record)
