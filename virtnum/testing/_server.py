"""FakeServer: the Data API's virtual-number endpoints on 127.0.0.1, for tests and demos."""

from __future__ import annotations

import asyncio
import copy
import socket
from collections.abc import Iterable, Mapping
from typing import Any, Self

import attrs
import msgspec
from aiohttp import web

from virtnum.testing._capacity import Capacity
from virtnum.testing._data import synthetic_numbers
from virtnum.testing._faults import Fault, Faults
from virtnum.testing._http import (
    Refused,
    error,
    error_response,
    find_number,
    json_response,
)
from virtnum.testing._stale import StaleAnswers
from virtnum.testing._writes import WriteHandlers

_dumps = msgspec.json.Encoder().encode

__all__ = ["FakeServer", "RecordedRequest"]

_PATH = "/numbers/virtual-number"
_CONTROL = {"_sort", "_order", "_page", "_limit"}
# A _page or _limit of more digits than this is larger than any list.
_HUGE_DIGITS = 30


@attrs.frozen
class RecordedRequest:
    """A request the server received: method, path, query pairs and headers."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str] = attrs.field(repr=False)
    body: bytes = attrs.field(repr=False, default=b"")


def _text(value: Any) -> str:
    """How a JSON value is spelled in a query string."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "null" if value is None else str(value)


def _sort_key(value: Any) -> tuple[int, Any, str]:
    """A key that orders any JSON values, mixed types included: booleans, numbers,
    strings, then arrays and objects by their JSON text."""
    if isinstance(value, bool):
        return (0, int(value), "")
    if isinstance(value, (int, float)):
        return (1, value, "")
    if isinstance(value, str):
        return (2, 0, value)
    return (3, 0, _dumps(value).decode())


def _count(text: str) -> int | None:
    """A count in ASCII digits, however long: one of more digits than any list has
    records stands for ``10**_HUGE_DIGITS`` (int() refuses past 4300 digits)."""
    if not (text.isascii() and text.isdigit()):
        return None
    significant = text.lstrip("0") or "0"
    return 10**_HUGE_DIGITS if len(significant) > _HUGE_DIGITS else int(significant)


def _paging(query: Mapping[str, str]) -> tuple[int, int]:
    """``_limit`` and ``_page`` (10 and 1 by default): positive, in ASCII digits. Paging
    is a hint, so a huge one is no error: a huge ``_page`` is past the end (an empty
    page), a huge ``_limit`` a page of everything from the offset."""
    limit, page = _count(query.get("_limit", "10")), _count(query.get("_page", "1"))
    if limit is None or page is None or limit <= 0 or page <= 0:
        raise Refused("_page and _limit must be positive integers")
    return limit, page


class FakeServer:
    """An aiohttp server on 127.0.0.1 (a free port) speaking the virtual-number API.

    ``numbers`` is a count of synthetic records or the records themselves (dicts as the
    API returns them). Requests need ``Authorization: <token>``. ``faults`` injects
    failures; ``requests`` records what arrived (unless ``record_requests=False``);
    ``requests_served`` counts them all and ``peak_in_flight`` is the most it was
    handling at once. ``stale`` writes the unrequested answers of ``faults.stale``
    (``stale.flush()`` writes the pending ones now); ``ledger()`` copies the numbers and
    ``idle`` says nothing is in flight. ``max_in_flight``: above that many requests at
    once, the rest get 429 with no Retry-After (counted in ``refused_overload``);
    ``compress``: gzip the answers of clients that accept it. ``available_mobile`` (a
    count or records) is the mobile capacity ``add_mobile`` takes numbers from; they
    turn ``active`` after ``activation_delay`` seconds (never, with ``None``).

    It is as strict as the documents: ids in paths are ASCII digits (anything else is
    404); a write body must be a JSON object of the fields its endpoint (for PUT, the
    number's type) takes, each of its JSON type (strings, ints that are not bools,
    positive ids, digits-only phone numbers, ports 1-65535), with ``purpose`` on every
    edit of a def, abc or SIP-registration number (the last two: ``company``, or the
    purpose on record repeated) and ``employee_id`` exactly when the purpose is
    ``employee``. A refusal is 400 ``{"error": ..., "field": ...}`` and stores nothing,
    so every record served keeps the documented types. Every answer is JSON, and no
    input gets a 5xx unless ``faults`` asks for one.

    It is looser than the real API in what it cannot know: there is no IP allow-list
    (any client on loopback gets in), activation takes ``activation_delay``, not the
    operator's real time, records given to it are served as given (unchecked), a SIP
    number already in the account can be added again, ``Content-Type`` and ``Accept``
    are not checked, and ``_page``/``_limit`` paging works (the documents do not have
    it; a huge ``_page`` is an empty page, a huge ``_limit`` all from the offset). A
    request that is not HTTP aiohttp can parse (a method it does not know, a request
    line over 8 KiB) gets aiohttp's own plain-text 400.
    """

    def __init__(
        self,
        numbers: int | Iterable[Mapping[str, Any]] = 100,
        *,
        token: str = "test-token",
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 0,
        record_requests: bool = True,
        available_mobile: int | Iterable[Mapping[str, Any]] = 10,
        activation_delay: float | None = 0.05,
        max_in_flight: int | None = None,
        compress: bool = False,
    ) -> None:
        records = synthetic_numbers(numbers, seed=seed) if isinstance(numbers, int) else numbers
        self.numbers: dict[int, dict[str, Any]] = {r["id"]: dict(r) for r in records}
        self.token = token
        self.faults = Faults(seed)
        self.capacity = Capacity(available_mobile, self.numbers, activation_delay)
        self.writes = WriteHandlers(self.numbers, self.capacity)
        self.stale = StaleAnswers()
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self.requests_served = 0
        self.max_in_flight = max_in_flight
        self.refused_overload = 0
        self.compress = compress
        self._record = record_requests
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self.url = ""

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get(_PATH, self._list)
        app.router.add_get(_PATH + "/{id}", self._get)
        self._add_write_routes(app)
        return app

    def _add_write_routes(self, app: web.Application) -> None:
        self.writes.routes(app)
        self.capacity.routes(app)

    @property
    def secrets(self) -> dict[int, str]:
        """Passwords of SIP-registration numbers, by id (kept out of ``numbers``)."""
        return self.writes.secrets

    def ledger(self) -> dict[int, dict[str, Any]]:
        """A deep copy of the numbers as stored now: what a client's view is checked
        against (later requests do not change it)."""
        return copy.deepcopy(self.numbers)

    @property
    def idle(self) -> bool:
        """No request is being handled and no stale answer (``faults.stale``) waits to
        be written: the numbers change no more until the next request."""
        return self.in_flight == 0 and not self.stale.pending

    async def start(self) -> Self:
        """Start serving; ``url`` is set once this returns."""
        if self._runner is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        runner = web.AppRunner(
            self._app(), access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self._host, self._port))
            await runner.setup()
            await web.SockSite(runner, sock).start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._runner = runner
        host, port = sock.getsockname()[:2]
        self.url = f"http://{host}:{port}"
        return self

    async def close(self) -> None:
        """Stop serving and drop open connections; safe to call twice."""
        runner, self._runner = self._runner, None
        self.stale.cancel()
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def serve_forever(self) -> None:
        """Start (if needed) and serve until cancelled."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.close()

    def __repr__(self) -> str:
        return f"<FakeServer {self.url or 'not started'} numbers={len(self.numbers)}>"

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.in_flight += 1
        self.requests_served += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.max_in_flight is not None and self.in_flight > self.max_in_flight:
                self.refused_overload += 1
                return error(429, "too many requests at once")
            try:
                response = await self._respond(request, handler)
            except Exception as exc:  # never aiohttp's text/plain page, never a traceback
                response = error_response(exc, request)
            if self.compress and isinstance(response, web.Response):
                response.enable_compression()
            return response
        finally:
            self.in_flight -= 1

    async def _respond(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self._record:
            self.requests.append(
                RecordedRequest(
                    request.method,
                    request.path,
                    tuple(request.query.items()),
                    dict(request.headers),
                    await request.read(),
                )
            )
        fault = self.faults.pick(request.path) if self.faults.rules else None
        if fault is not None and fault.kind not in ("delay", "stale"):
            return await self._inject(request, fault)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
        if request.headers.get("Authorization") != self.token:
            return error(401, "invalid token")
        response: web.StreamResponse = await handler(request)
        if fault is not None and fault.kind == "stale":
            if self.compress and isinstance(response, web.Response):
                response.enable_compression()
            await self.stale.answer_then_stale(request, response, fault.status, fault.seconds)
        return response

    async def _inject(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        if fault.kind == "fail":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return web.Response(
                status=fault.status,
                body=fault.body,
                headers=headers,
                content_type="application/json",
            )
        if fault.kind == "redirect":
            return web.Response(status=fault.status, headers={"Location": fault.body.decode()})
        if fault.kind == "garbage":
            return web.Response(status=fault.status, body=fault.body, content_type="text/html")
        if fault.kind == "oversized":
            gzip = fault.body[:2] == b"\x1f\x8b"
            headers = {"Content-Encoding": "gzip"} if gzip else {}
            return web.Response(body=fault.body, headers=headers, content_type="application/json")
        transport = request.transport
        if fault.kind == "reset" and transport is not None:
            transport.abort()
            raise asyncio.CancelledError  # the connection is gone; nothing more to send
        body = _dumps(list(self.numbers.values())[:2])
        response = web.StreamResponse(status=200)
        response.content_type = "application/json"
        response.content_length = len(body)
        await response.prepare(request)
        await response.write(body[: len(body) // 2])
        if transport is not None:
            transport.close()
        return response

    async def _get(self, request: web.Request) -> web.Response:
        return json_response(find_number(self.numbers, request))

    async def _list(self, request: web.Request) -> web.Response:
        query = request.query
        records: Iterable[dict[str, Any]] = self.numbers.values()
        for key in query.keys() - _CONTROL:
            field, _, operator = key.partition("__")
            if operator not in ("", "ne"):
                return error(400, f"unknown operator {operator[:40]}")
            wanted = set(query.getall(key))
            negate = operator == "ne"
            records = [r for r in records if (_text(r.get(field)) in wanted) != negate]
        records = list(records)
        if "_sort" in query:
            field = query["_sort"]
            present = [r for r in records if r.get(field) is not None]
            present.sort(key=lambda r: _sort_key(r[field]), reverse=query.get("_order") == "desc")
            records = present + [r for r in records if r.get(field) is None]
        if "_limit" in query or "_page" in query:
            limit, page = _paging(query)
            records = records[(page - 1) * limit : page * limit]
        return json_response(records)
