"""``client.numbers``: the virtual-number endpoints."""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any, Literal, overload

import attrs

from virtnum._decode.decode import decode_list, decode_one
from virtnum._errors import APIError, ResponseValidationError
from virtnum._http.payload import Payload
from virtnum._http.transport import Transport
from virtnum._types import NOT_GIVEN, NotGiven
from virtnum._validate import check_id, check_ids, check_positive_int, wrong_type
from virtnum.filters import Filter
from virtnum.models import AvailableMobileNumber, NumberType, Purpose, State, VirtualNumber
from virtnum.resources._bodies import (
    mobile_body,
    sip_registration_body,
    update_body,
    with_kept_purpose,
)
from virtnum.resources._pagination import ItemIterator, PageIterator
from virtnum.resources._waiting import check_seconds, check_states, poll_state

__all__ = ["OUTBOUND", "AsyncNumbers"]

#: ``on_progress(done, total)`` of ``get_many``.
ProgressCallback = Callable[[int, int], None]

_PATH = "/numbers/virtual-number"
_CAPACITY_PATH = "/numbers/def-virtual-number-capacity"

#: Numbers usable in outbound-call scenarios (the third seed method).
OUTBOUND = Filter(type=[NumberType.DEF, NumberType.ABC], state=State.ACTIVE).exclude(
    purpose=Purpose.NOT_SPECIFIED
)


def _query(filter: Filter | str | None, where: dict[str, Any]) -> list[tuple[str, str]]:
    if filter is None:
        base = Filter()
    elif isinstance(filter, Filter):
        base = filter
    elif isinstance(filter, str):
        base = Filter.parse(filter)
    else:
        raise wrong_type("filter", "a Filter or a query string", filter)
    return (base.where(**where) if where else base).to_query()


class AsyncNumbers:
    """Virtual numbers of the account: get, list, page, bulk-get, change, add, wait."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def get(self, id: int) -> VirtualNumber:
        """``GET /numbers/virtual-number/{id}``: one number; NotFoundError if unknown."""
        path = f"{_PATH}/{check_id(id)}"
        payload = await self._transport.request("GET", path)
        try:
            return decode_one(payload, VirtualNumber, expect_id=id)
        except ResponseValidationError:
            payload.distrust()  # e.g. another id's record: that connection is out of step
            raise

    async def _fetch(self, query: list[tuple[str, str]]) -> Payload:
        return await self._transport.request("GET", _PATH, params=query or None)

    def _structure(self, payload: Payload) -> builtins.list[VirtualNumber]:
        return decode_list(payload, VirtualNumber)

    async def list(
        self, /, filter: Filter | str | None = None, **where: Any
    ) -> builtins.list[VirtualNumber]:
        """``GET /numbers/virtual-number?...``: every number matching the filter.

        ``where`` uses the API's spelling: ``list(type=["def", "abc"], purpose__ne=...)``.
        """
        return self._structure(await self._fetch(_query(filter, where)))

    def pages(
        self, /, filter: Filter | str | None = None, *, page_size: int | None = None, **where: Any
    ) -> PageIterator[VirtualNumber]:
        """Like ``iter`` but yields whole pages (lists); arguments are checked now."""
        if page_size is not None:
            check_positive_int(page_size, "page_size")
        return PageIterator(self._fetch, self._structure, _query(filter, where), page_size)

    def iter(
        self, /, filter: Filter | str | None = None, *, page_size: int | None = None, **where: Any
    ) -> AsyncIterator[VirtualNumber]:
        """Numbers as they arrive; with ``page_size`` they are fetched a page at a time.

        A page with a malformed record raises ResponseValidationError when it arrives,
        its good records in ``.partial``.
        """
        return ItemIterator(self.pages(filter, page_size=page_size, **where))

    async def list_outbound(self) -> builtins.list[VirtualNumber]:
        """Numbers usable for outbound calls: purpose set, state active, type def or abc."""
        return await self.list(OUTBOUND)

    @overload
    async def get_many(
        self,
        ids: Iterable[int],
        *,
        concurrency: int = 16,
        return_exceptions: Literal[False] = False,
        on_progress: ProgressCallback | None = None,
    ) -> builtins.list[VirtualNumber]: ...

    @overload
    async def get_many(
        self,
        ids: Iterable[int],
        *,
        return_exceptions: Literal[True],
        on_progress: ProgressCallback | None = None,
        concurrency: int = 16,
    ) -> builtins.list[VirtualNumber | APIError]: ...

    async def get_many(
        self,
        ids: Iterable[int],
        *,
        concurrency: int = 16,
        return_exceptions: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> builtins.list[VirtualNumber] | builtins.list[VirtualNumber | APIError]:
        """One ``get`` per id with at most ``concurrency`` in flight, results in ``ids`` order.

        On a failure the requests still in flight are cancelled and the error of the
        first request to fail is raised. With ``return_exceptions=True`` every id gets
        its result or its APIError, in place, and nothing is cancelled.
        ``on_progress(done, total)`` is called on the event loop after each id.
        """
        id_list = check_ids(ids)
        check_positive_int(concurrency, "concurrency")
        total = len(id_list)
        results: builtins.list[Any] = [None] * total
        pending = iter(enumerate(id_list))
        done = 0

        async def worker() -> None:
            nonlocal done
            for index, number_id in pending:
                try:
                    results[index] = await self.get(number_id)
                except APIError as exc:
                    if not return_exceptions:
                        raise
                    results[index] = exc
                done += 1
                if on_progress is not None:
                    on_progress(done, total)

        workers = [asyncio.ensure_future(worker()) for _ in range(min(concurrency, len(id_list)))]
        try:
            await _first_failure(workers)
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        return results

    async def _write(self, method: str, path: str, body: dict[str, Any]) -> VirtualNumber:
        """Send a write; the password, if any, is redacted from errors and dropped from
        the echoed response, so it never lands in a model."""
        password = body.get("password")
        secrets = (password,) if isinstance(password, str) else ()
        payload = await self._transport.request(method, path, body=body, redact=secrets)
        try:
            number = decode_one(payload, VirtualNumber)
        except ResponseValidationError as exc:
            raise payload.refused(exc) from None
        if "password" not in number.extra:
            return number
        kept = {key: value for key, value in number.extra.items() if key != "password"}
        return attrs.evolve(number, extra=kept)

    async def update(
        self,
        id: int,
        *,
        comment: str | NotGiven | None = NOT_GIVEN,
        purpose: Purpose | str | NotGiven = NOT_GIVEN,
        employee_id: int | NotGiven = NOT_GIVEN,
        login: str | NotGiven = NOT_GIVEN,
        password: str | NotGiven = NOT_GIVEN,
        server_host: str | NotGiven = NOT_GIVEN,
        server_port: int | NotGiven = NOT_GIVEN,
    ) -> VirtualNumber:
        """``PUT /numbers/virtual-number/{id}``: change the fields given (``comment=None``
        clears the comment). Returns what the server echoes: the sent fields and ``id``.

        Without ``purpose`` one GET comes first and the current purpose (with its
        ``employee_id``) goes along, as the documents want in every def, abc or
        SIP-registration edit; ValueError, nothing sent, for ``employee`` with no
        ``employee_id`` on record.
        """
        body = update_body(id, locals())
        if "purpose" not in body:
            body = with_kept_purpose(body, await self.get(body["id"]))
        return await self._write("PUT", f"{_PATH}/{body['id']}", body)

    async def add_sip_registration(
        self,
        *,
        number: str,
        login: str,
        password: str,
        server_host: str,
        server_port: int,
        comment: str | None = None,
    ) -> VirtualNumber:
        """``POST /numbers/virtual-number``: add another operator's SIP-registration number.

        POST is not retried unless the client was made with ``retry_post=True``.
        """
        body = sip_registration_body(locals())
        return await self._write("POST", _PATH, body)

    async def add_mobile(
        self,
        *,
        number: str,
        dgn_number: str,
        purpose: Purpose | str,
        comment: str | None = None,
    ) -> VirtualNumber:
        """``POST /numbers/unconfirmed``: add a mobile number (it starts in ``activation``)."""
        body = mobile_body(locals())
        return await self._write("POST", "/numbers/unconfirmed", body)

    async def delete(self, id: int) -> None:
        """``DELETE /numbers/virtual-number/{id}`` (city numbers cannot be deleted).

        The documented answer is ``{"id": id}`` (an empty body is taken too); any other
        body (a proxy's page, another id) is ResponseValidationError, never a success.
        """
        payload = await self._transport.request("DELETE", f"{_PATH}/{check_id(id)}")
        if not payload.content.strip():
            return
        try:
            decode_one(payload, VirtualNumber, expect_id=id)
        except ResponseValidationError as exc:
            payload.distrust()
            raise payload.refused(exc) from None

    async def list_available_mobile(self) -> builtins.list[AvailableMobileNumber]:
        """``GET /numbers/def-virtual-number-capacity``: the mobile numbers the account's
        contract can connect, to pass to ``add_mobile``."""
        payload = await self._transport.request("GET", _CAPACITY_PATH)
        return decode_list(payload, AvailableMobileNumber)

    async def wait_for_state(
        self,
        id: int,
        state: State | str | Iterable[State | str],
        *,
        timeout: float = 600.0,  # noqa: ASYNC109 - the documented name; bounds the whole wait
        interval: float = 5.0,
    ) -> VirtualNumber:
        """Poll ``get(id)`` every ``interval`` seconds until the number's state is ``state``
        (or any of several); after ``timeout`` seconds, WaitTimeoutError (``.last``)."""
        return await poll_state(
            self.get,
            check_id(id),
            check_states(state),
            check_seconds(timeout, "timeout"),
            check_seconds(interval, "interval"),
        )


async def _first_failure(tasks: Sequence[asyncio.Future[None]]) -> None:
    """Wait for all tasks; raise the first exception as soon as one fails."""
    if not tasks:
        return
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in done:
        failure = task.exception()
        if failure is not None:
            raise failure
