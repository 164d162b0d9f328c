"""FakeServer refuses what the documented API refuses: write bodies of the wrong types,
ids that are not ASCII digits, an edit of a def, abc or SIP-registration number without
its purpose; it reads a huge ``_page`` or ``_limit`` as a count; and it answers every
input with JSON, never a 5xx of its own."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import aiohttp
import pytest
from yarl import URL

from virtnum import AsyncClient, Purpose
from virtnum.testing import FakeServer

from .._support import TOKEN

HEADERS = {"Authorization": TOKEN}
PATH = "/numbers/virtual-number"
SIP = {
    "number": "74951112233",
    "login": "trunk",
    "password": "pw-not-in-any-answer",
    "server_host": "sip.example.net",
    "server_port": 5060,
    "purpose": "company",
    "type": "sip_registration",
}
MOBILE = {"number": "79001234567", "dgn_number": "74951234567", "purpose": "company", "type": "def"}
_NO_BODY = object()


async def call(
    server: FakeServer, method: str, path: str, body: Any = _NO_BODY, *, raw: bytes | None = None
) -> tuple[int, str, Any]:
    """``method path`` (already percent-encoded) with a JSON ``body`` or ``raw`` bytes:
    the status, the content type and the JSON answer."""
    data = raw if raw is not None else None if body is _NO_BODY else json.dumps(body).encode()
    payload = None if data is None else io.BytesIO(data)  # large bytes would warn
    headers = {**HEADERS, "Content-Type": "application/json; charset=UTF-8"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(
            method, URL(server.url + path, encoded=True), data=payload, headers=headers
        ) as response,
    ):
        return response.status, response.content_type, json.loads(await response.read())


def first_of(server: FakeServer, kind: str, **fields: Any) -> int:
    return next(
        i
        for i, r in server.numbers.items()
        if r["type"] == kind and all(r[k] == v for k, v in fields.items())
    )


def state_of(server: FakeServer) -> Any:
    return copy.deepcopy((server.numbers, server.secrets, server.capacity.available))


async def assert_refused(
    server: FakeServer, method: str, path: str, body: Any, field: str | None, status: int = 400
) -> dict[str, Any]:
    """The request is refused with ``status`` and JSON naming ``field``; nothing changed,
    and the list serves what it served before."""
    before = state_of(server)
    _, _, listed = await call(server, "GET", PATH)
    got, content_type, answer = await call(server, method, path, body)
    assert (got, content_type) == (status, "application/json"), answer
    if field is not None:
        assert answer["field"] == field
        assert field in answer["error"]
    assert state_of(server) == before
    assert (await call(server, "GET", PATH))[2] == listed
    return answer  # type: ignore[no-any-return]


# -- Why 1: write bodies of the wrong types or formats ---------------------------------


@pytest.mark.parametrize(
    ("method", "kind", "fields", "field"),
    [
        ("PUT", "abc", {"comment": {}}, "comment"),
        ("POST", None, {"number": []}, "number"),
        ("POST", None, {"number": "7495-111-22-33"}, "number"),
        ("POST", None, {"server_host": 9007199254740992.0}, "server_host"),
        ("POST", None, {"password": False}, "password"),
        ("PUT", "sip_registration", {"server_port": 65536}, "server_port"),
        ("PUT", "def", {"purpose": "employee", "employee_id": 0}, "employee_id"),
    ],
    ids=["comment-object", "number-array", "number-non-digits", "host-float", "password-false",
         "put-port-65536", "employee-id-0"],
)  # fmt: skip
async def test_a_write_body_of_the_wrong_type_is_refused_and_never_served(
    server: FakeServer, method: str, kind: str | None, fields: dict[str, Any], field: str
) -> None:
    if kind is None:
        await assert_refused(server, "POST", PATH, {**SIP, **fields}, field)
    else:
        number_id = first_of(server, kind)
        body = {"id": number_id, "purpose": "company", **fields}
        await assert_refused(server, method, f"{PATH}/{number_id}", body, field)


@pytest.mark.parametrize("port", [0, 65536, -1, True, 5060.0, "5060", None])
@pytest.mark.parametrize("method", ["PUT", "POST"])
async def test_ports_are_ints_from_1_to_65535_on_put_and_post_alike(
    server: FakeServer, method: str, port: Any
) -> None:
    number_id = first_of(server, "sip_registration")
    if method == "POST":
        await assert_refused(server, "POST", PATH, {**SIP, "server_port": port}, "server_port")
    else:
        body = {"id": number_id, "purpose": "company", "server_port": port}
        await assert_refused(server, "PUT", f"{PATH}/{number_id}", body, "server_port")


@pytest.mark.parametrize(
    ("kind", "body", "field"),
    [
        ("def", {"id": True, "purpose": "company"}, "id"),
        ("def", {"id": 1.0, "purpose": "company"}, "id"),
        ("def", {"purpose": "company"}, "id"),
        ("def", {"id": "{id}", "purpose": "employee"}, "employee_id"),
        ("def", {"id": "{id}", "purpose": "employee", "employee_id": True}, "employee_id"),
        ("def", {"id": "{id}", "purpose": "employee", "employee_id": "42"}, "employee_id"),
        ("def", {"id": "{id}", "purpose": "company", "employee_id": 42}, "employee_id"),
        ("def", {"id": "{id}", "purpose": "\u0441ompany"}, "purpose"),
        ("def", {"id": "{id}", "purpose": None}, "purpose"),
        ("def", {"id": "{id}", "purpose": "company", "colour": "red"}, "colour"),
        ("def", {"id": "{id}", "purpose": "company", "login": "x"}, "login"),
        ("abc", {"id": "{id}", "purpose": "employee", "employee_id": 4}, "employee_id"),
        ("abc", {"id": "{id}", "purpose": "employee"}, "purpose"),
        ("abc", {"id": "{id}", "comment": "x"}, "purpose"),
        ("sip_registration", {"id": "{id}", "purpose": "company", "login": ""}, "login"),
        (
            "sip_registration",
            {"id": "{id}", "purpose": "company", "server_host": None},
            "server_host",
        ),
        ("sip_registration", {"id": "{id}", "login": "x"}, "purpose"),
        ("sip_redirection", {"id": "{id}", "purpose": "sales"}, "purpose"),
    ],
)
async def test_every_rule_of_an_edit_body(
    server: FakeServer, kind: str, body: dict[str, Any], field: str
) -> None:
    # number 1, so that id true or 1.0 would pass ==; on not_specified, which abc repeats
    server.numbers[1].update(type=kind, purpose="not_specified", employee_id=None)
    sent = {key: 1 if value == "{id}" else value for key, value in body.items()}
    await assert_refused(server, "PUT", f"{PATH}/1", sent, field)


async def test_the_body_id_must_be_the_path_id(server: FakeServer) -> None:
    first, second = [i for i, r in server.numbers.items() if r["type"] == "abc"][:2]
    body = {"id": second, "comment": "x", "purpose": "company"}
    await assert_refused(server, "PUT", f"{PATH}/{first}", body, "id")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**MOBILE, "number": 79001234567}, "number"),
        ({**MOBILE, "dgn_number": "+74951234567"}, "dgn_number"),
        ({**MOBILE, "dgn_number": "\u0667\u0664\u0669\u0665"}, "dgn_number"),
        ({**MOBILE, "purpose": "employee"}, "purpose"),
        ({**MOBILE, "type": "abc"}, "type"),
        ({**MOBILE, "comment": 5}, "comment"),
        ({**MOBILE, "state": "active"}, "state"),
        ({key: value for key, value in MOBILE.items() if key != "dgn_number"}, "dgn_number"),
        ({**MOBILE, "number": "79990000000"}, "number"),  # not on the capacity list
    ],
)
async def test_every_rule_of_a_new_mobile_number(
    server: FakeServer, body: dict[str, Any], field: str
) -> None:
    await assert_refused(server, "POST", "/numbers/unconfirmed", body, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SIP, "type": "def"}, "type"),
        ({**SIP, "purpose": "employee"}, "purpose"),
        ({**SIP, "id": 5}, "id"),
        ({key: value for key, value in SIP.items() if key != "login"}, "login"),
        ({**SIP, "login": ["trunk"]}, "login"),
        ({**SIP, "number": "\u0667\u0664\u0669\u0665"}, "number"),
    ],
)
async def test_every_rule_of_a_new_sip_registration(
    server: FakeServer, body: dict[str, Any], field: str
) -> None:
    answer = await assert_refused(server, "POST", PATH, body, field)
    assert SIP["password"] not in json.dumps(answer)


async def test_a_good_write_is_stored_and_served_with_the_documented_types(
    server: FakeServer,
) -> None:
    status, _, created = await call(server, "POST", PATH, {**SIP, "comment": None})
    assert status == 200, created
    status, _, served = await call(server, "GET", f"{PATH}/{created['id']}")
    assert served["server_port"] == 5060
    assert served["number"] == SIP["number"]
    assert "password" not in served
    assert server.secrets[created["id"]] == SIP["password"]
    mobile = first_of(server, "def")
    body = {"id": mobile, "purpose": "employee", "employee_id": 7, "comment": "x"}
    assert (await call(server, "PUT", f"{PATH}/{mobile}", body))[:2] == (200, "application/json")
    assert server.numbers[mobile]["employee_id"] == 7


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
    body = {"id": 1, "comment": "x", "purpose": "company"} if method == "PUT" else _NO_BODY
    answer = await assert_refused(server, method, f"{PATH}/{text}", body, None, status=404)
    assert answer == {"error": "virtual number not found"}
    assert 1 in server.numbers


# -- Why 4: an edit of a def, abc or SIP-registration number needs its purpose ----------


async def test_a_put_of_a_mobile_number_without_purpose_is_refused(server: FakeServer) -> None:
    mobile = first_of(server, "def")
    await assert_refused(
        server, "PUT", f"{PATH}/{mobile}", {"id": mobile, "comment": "x"}, "purpose"
    )


@pytest.mark.parametrize("kind", ["abc", "sip_registration"])
async def test_a_put_of_only_the_id_is_refused_for_want_of_purpose(
    server: FakeServer, kind: str
) -> None:
    number_id = first_of(server, kind)
    answer = await assert_refused(
        server, "PUT", f"{PATH}/{number_id}", {"id": number_id}, "purpose"
    )
    assert answer["error"] == f"purpose is required in an edit of a {kind} number"


async def test_an_abc_edit_repeats_the_purpose_on_record_or_sets_company(
    server: FakeServer,
) -> None:
    city = first_of(server, "abc", purpose="employee")
    employee, path = server.numbers[city]["employee_id"], f"{PATH}/{city}"
    await assert_refused(server, "PUT", path, {"id": city, "purpose": "not_specified"}, "purpose")
    other = {"id": city, "purpose": "employee", "employee_id": employee + 1}
    await assert_refused(server, "PUT", path, other, "employee_id")
    same = {"id": city, "purpose": "employee", "employee_id": employee, "comment": "x"}
    assert (await call(server, "PUT", path, same))[0] == 200
    assert (await call(server, "PUT", path, {"id": city, "purpose": "company"}))[0] == 200
    assert server.numbers[city]["comment"] == "x"
    assert (server.numbers[city]["purpose"], server.numbers[city]["employee_id"]) == (
        "company",
        None,
    )


@pytest.mark.parametrize(
    ("kind", "purpose"),
    [
        ("def", "company"),
        ("def", "employee"),
        ("def", "not_specified"),
        ("abc", "not_specified"),
        ("abc", "employee"),
        ("sip_registration", "company"),
        ("sip_registration", "employee"),
        ("sip_redirection", "company"),
        ("toll_free", "company"),
        ("toll_free", "employee"),
    ],
)
async def test_update_without_purpose_works_on_every_number_type(
    server: FakeServer, client: AsyncClient, kind: str, purpose: str
) -> None:
    number_id = max(server.numbers) + 1
    employee = 123 if purpose == "employee" else None
    server.numbers[number_id] = {
        **server.numbers[1],
        "id": number_id,
        "type": kind,
        "purpose": purpose,
        "employee_id": employee,
    }
    echoed = await client.numbers.update(number_id, comment="front desk")
    assert echoed.comment == "front desk"
    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", f"{PATH}/{number_id}"),
        ("PUT", f"{PATH}/{number_id}"),
    ]
    expected: dict[str, Any] = {"id": number_id, "comment": "front desk", "purpose": purpose}
    if employee is not None:
        expected["employee_id"] = employee
    assert json.loads(server.requests[-1].body) == expected
    record = server.numbers[number_id]
    assert (record["comment"], record["purpose"], record["employee_id"]) == (
        "front desk",
        purpose,
        employee,
    )


async def test_update_with_purpose_sends_no_get(server: FakeServer, client: AsyncClient) -> None:
    mobile = first_of(server, "def")
    await client.numbers.update(mobile, comment="x", purpose=Purpose.NOT_SPECIFIED)
    assert [r.method for r in server.requests] == ["PUT"]
    assert server.numbers[mobile]["purpose"] == "not_specified"


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
