"""FakeServer refuses the write bodies the documented API refuses: fields of the wrong
types, an edit of a def, abc or SIP-registration number without its purpose; it stores
and serves a good write with the documented types."""

from __future__ import annotations

import json
from typing import Any

import pytest

from virtnum import AsyncClient, Purpose
from virtnum.testing import FakeServer

from .._records import first_of
from ._calls import MOBILE, PATH, SIP, assert_refused, call

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
