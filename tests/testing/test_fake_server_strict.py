"""FakeServer is strict where the documented API is: it sorts over any field, takes only
ASCII digits as ids, reads a huge ``_page`` or ``_limit`` as a count, and answers every
input with JSON, never a 5xx of its own (its write bodies: test_fake_server_writes.py)."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from virtnum.testing import FakeServer

from .._support import TOKEN
from ._calls import HEADERS, NO_BODY, PATH, assert_refused, call, state_of

# -- Why 2: a sort over a list field, or over mixed types -------------------------------


async def test_a_sort_on_a_list_field_is_answered(server: FakeServer) -> None:
    for order in ("asc", "desc"):
        query = f"?_sort=from_redirect_numbers&_order={order}"
        status, content_type, body = await call(server, "GET", PATH + query)
        assert (status, content_type) == (200, "application/json")
        assert sorted(r["id"] for r in body) == sorted(server.numbers)


async def test_a_sort_over_mixed_types_is_total_with_nulls_last() -> None:
    values: list[Any] = [{"a": 1}, "b", 2.5, None, [1], True, 1, "a", False]
    records = [{"id": i + 1, "x": value} for i, value in enumerate(values)]
    async with FakeServer(records, token=TOKEN) as server:
        status, _, body = await call(server, "GET", PATH + "?_sort=x")
        assert status == 200
        assert [r["x"] for r in body] == [False, True, 1, 2.5, "a", "b", [1], {"a": 1}, None]
        status, _, body = await call(server, "GET", PATH + "?_sort=x&_order=desc")
        assert [r["x"] for r in body][:3] == [{"a": 1}, [1], "b"]


# -- Why 3: non-ASCII digits are not ids --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["%C2%B2", "%D9%A1", "%EF%BC%91", "%201", "1%20", "+1", "-1", "1.0", "0x1", "9" * 5000],
    ids=["superscript-2", "arabic-indic-1", "fullwidth-1", "space-1", "1-space", "plus-1",
         "minus-1", "1.0", "hex-1", "5000-digits"],
)  # fmt: skip
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_ids_in_paths_are_ascii_digits_only(
    server: FakeServer, method: str, text: str
) -> None:
    body = {"id": 1, "comment": "x", "purpose": "company"} if method == "PUT" else NO_BODY
    answer = await assert_refused(server, method, f"{PATH}/{text}", body, None, status=404)
    assert answer == {"error": "virtual number not found"}
    assert 1 in server.numbers


# -- Why 5: paging is a hint, so a huge _page or _limit is a count, not an error --------

HUGE = "341726129415121691047261410164736"


async def test_a_huge_page_is_past_the_end(server: FakeServer) -> None:
    for query in (f"_page={HUGE}", f"_page={HUGE}&_limit=7", "_page=" + "9" * 5000):
        assert (await call(server, "GET", f"{PATH}?{query}"))[::2] == (200, [])


async def test_a_huge_limit_is_a_page_of_everything_from_the_offset(server: FakeServer) -> None:
    async def ids(query: str) -> list[int]:
        status, _, body = await call(server, "GET", f"{PATH}?{query}")
        assert status == 200, body
        return [record["id"] for record in body]

    assert await ids(f"_limit={HUGE}") == list(server.numbers)
    assert await ids(f"_limit={HUGE}&_page=1&_sort=id&_order=desc") == sorted(
        server.numbers, reverse=True
    )
    assert await ids(f"_limit={HUGE}&_page=2") == []
    assert await ids("_limit=" + "0" * 40 + "3") == list(server.numbers)[:3]


# -- No input is a 5xx or text/plain ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "raw", "status"),
    [
        ("GET", "/nowhere", None, 404),
        ("GET", PATH + "/1/", None, 404),
        ("GET", "//numbers/virtual-number", None, 404),
        ("PATCH", PATH + "/1", None, 405),
        ("POST", PATH + "/1", None, 405),
        ("PUT", PATH, None, 405),
        ("PUT", PATH + "/1", b"{not json", 400),
        ("PUT", PATH + "/1", b"\xff\xfe", 400),
        ("PUT", PATH + "/1", b"[1, 2]", 400),
        ("PUT", PATH + "/1", b"", 400),
        ("PUT", PATH + "/1", b"[" * 100_000, 400),
        ("POST", PATH, b"1" * 5000, 400),
        ("POST", PATH, b'"' + b"x" * 2_000_000 + b'"', 413),
        ("POST", "/numbers/unconfirmed", b"null", 400),
        ("GET", PATH + "?_limit=abc", None, 400),
        ("GET", PATH + "?_limit=0", None, 400),
        ("GET", PATH + "?_page=-1", None, 400),
        ("GET", PATH + "?_limit=%EF%BC%91", None, 400),
        ("GET", PATH + "?_limit=" + "9" * 5000, None, 200),
        ("GET", PATH + "?_page=" + "0" * 5000, None, 400),
        ("GET", PATH + "?type__gt=abc", None, 400),
        ("GET", PATH + "?type=def&type=abc&_sort=id&_sort=number&_order=sideways", None, 200),
        ("GET", PATH + "?%ZZ=%FF&_sort=%FF&=&&", None, 200),
        ("GET", PATH + "/%ZZ", None, 404),
    ],
)
async def test_no_input_is_a_5xx_or_plain_text(
    server: FakeServer, method: str, path: str, raw: bytes | None, status: int
) -> None:
    before = state_of(server)
    got, content_type, answer = await call(server, method, path, raw=raw)
    assert (got, content_type) == (status, "application/json"), answer
    assert isinstance(answer, list) or "error" in answer
    assert state_of(server) == before


async def test_a_405_keeps_its_allow_header(server: FakeServer) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.patch(server.url + PATH + "/1", headers=HEADERS) as response,
    ):
        assert response.status == 405
        assert set(response.headers["Allow"].split(",")) >= {"GET", "PUT", "DELETE"}


async def test_records_seeded_without_a_type_are_edited_and_deleted_without_a_crash() -> None:
    async with FakeServer([{"id": 7, "number": "79201234567"}], token=TOKEN) as server:
        assert (await call(server, "PUT", f"{PATH}/7", {"id": 7, "comment": "x"}))[0] == 200
        assert (await call(server, "PUT", f"{PATH}/7", {"id": 7, "purpose": "sales"}))[0] == 400
        assert (await call(server, "PUT", f"{PATH}/7", {"id": 7, "purpose": "company"}))[0] == 200
        assert (await call(server, "DELETE", f"{PATH}/7"))[0] == 200


async def test_a_bug_of_the_fake_itself_is_a_json_500_that_says_so() -> None:
    server = FakeServer(3, token=TOKEN)

    async def broken(request: object) -> None:
        raise KeyError("oops")

    server._get = broken  # type: ignore[method-assign,assignment]
    async with server:
        status, content_type, answer = await call(server, "GET", f"{PATH}/1")
    assert (status, content_type) == (500, "application/json")
    assert "FakeServer bug" in answer["error"]
