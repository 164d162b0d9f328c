"""Write methods through both clients against FakeServer: update, add, delete."""

from __future__ import annotations

import json
import logging

import pytest

from virtnum import (
    AsyncClient,
    BadRequestError,
    Client,
    InternalServerError,
    NotFoundError,
    NumberType,
    Purpose,
    ResponseValidationError,
    State,
)
from virtnum.testing import FakeServer

from .._records import first_of

PASSWORD = "pw-Very-SECRET-31"
SIP = {
    "number": "74951112233",
    "login": "sipuser",
    "password": PASSWORD,
    "server_host": "sip.other-operator.example",
    "server_port": 5060,
}


def sent_body(server: FakeServer) -> dict[str, object]:
    return json.loads(server.requests[-1].body)  # type: ignore[no-any-return]


async def test_update_sends_id_and_the_given_fields(
    client: AsyncClient, server: FakeServer
) -> None:
    number_id = first_of(server, "def")
    echoed = await client.numbers.update(number_id, purpose="employee", employee_id=42)
    assert sent_body(server) == {"id": number_id, "purpose": "employee", "employee_id": 42}
    assert server.requests[-1].method == "PUT"
    assert echoed.id == number_id
    assert echoed.purpose is Purpose.EMPLOYEE
    fresh = await client.numbers.get(number_id)
    assert (fresh.purpose, fresh.employee_id) == (Purpose.EMPLOYEE, 42)


async def test_update_comment_none_clears_it(client: AsyncClient, server: FakeServer) -> None:
    number_id = first_of(server, "abc")
    server.numbers[number_id].update(purpose="company", employee_id=None)
    await client.numbers.update(number_id, comment=None)
    assert sent_body(server) == {"id": number_id, "comment": None, "purpose": "company"}
    assert (await client.numbers.get(number_id)).comment is None


@pytest.mark.parametrize("kind", ["def", "abc", "sip_registration"])
async def test_update_refuses_to_repeat_employee_with_no_employee_id_on_record(
    client: AsyncClient, server: FakeServer, kind: str
) -> None:
    number_id = first_of(server, kind)
    server.numbers[number_id].update(purpose="employee", employee_id=None, comment="old")
    with pytest.raises(ValueError, match="pass employee_id or another purpose"):
        await client.numbers.update(number_id, comment="new")
    assert [r.method for r in server.requests] == ["GET"]
    assert server.numbers[number_id]["comment"] == "old"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"purpose": "employee"}, "employee_id is required"),
        ({"purpose": "company", "employee_id": 3}, "employee_id goes only"),
        ({"purpose": "boss"}, "purpose must be one of"),
        ({}, "at least one field"),
        ({"server_port": 0}, "server_port"),
        ({"server_port": 70000}, "server_port"),
        ({"server_port": 10**5000}, "^server_port must be 1 to 65535, got an int of 16610 bits$"),
        ({"comment": 5}, "comment"),
    ],
)
async def test_update_refuses_bad_input_before_sending(
    client: AsyncClient, server: FakeServer, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await client.numbers.update(1, **kwargs)  # type: ignore[arg-type]
    assert server.requests == []


async def test_the_server_refuses_what_a_number_kind_does_not_accept(
    client: AsyncClient, server: FakeServer
) -> None:
    city = first_of(server, "abc")
    with pytest.raises(BadRequestError, match="status 400"):
        await client.numbers.update(city, purpose="employee", employee_id=1)


async def test_add_sip_registration_posts_and_drops_the_echoed_password(
    client: AsyncClient, server: FakeServer
) -> None:
    created = await client.numbers.add_sip_registration(**SIP, comment="backup trunk")
    body = sent_body(server)
    assert body == {
        **SIP,
        "purpose": "company",
        "type": "sip_registration",
        "comment": "backup trunk",
    }
    assert server.requests[-1].path == "/numbers/virtual-number"
    assert created.type is NumberType.SIP_REGISTRATION
    assert created.extra["login"] == "sipuser"
    assert "password" not in created.extra
    assert PASSWORD not in repr(created)
    assert server.secrets[created.id] == PASSWORD
    assert (await client.numbers.get(created.id)).number == SIP["number"]


async def test_add_sip_registration_validates_first(
    client: AsyncClient, server: FakeServer
) -> None:
    cases = [
        ({"server_port": 0}, "server_port"),
        ({"number": "+7 495"}, "number"),
        ({"password": ""}, "password"),
        ({"login": 5}, "login"),
    ]
    for bad, name in cases:
        with pytest.raises(ValueError, match=name):
            await client.numbers.add_sip_registration(**{**SIP, **bad})  # type: ignore[arg-type]
    assert server.requests == []


UNENCODABLE = "^{}: contains a character that cannot be encoded as UTF-8 \\(position 4\\)$"


@pytest.mark.parametrize("field", ["password", "login", "server_host", "comment"])
async def test_a_sip_field_utf8_cannot_encode_is_refused_by_name(
    client: AsyncClient, server: FakeServer, field: str
) -> None:
    """A lone surrogate made the JSON encoder raise a bare UnicodeEncodeError holding
    the whole value (a password, too) after the checks; now it is named, never shown."""
    value = "secr\udce9t-value"
    with pytest.raises(ValueError, match=UNENCODABLE.format(field)) as info:
        await client.numbers.add_sip_registration(**{**SIP, field: value})
    assert "secr" not in repr(info.value)
    assert info.value.__context__ is None  # no chained error keeps the value
    with pytest.raises(ValueError, match=UNENCODABLE.format(field)):
        await client.numbers.update(1, **{field: value})
    assert server.requests == []


async def test_a_mobile_comment_utf8_cannot_encode_is_refused(
    client: AsyncClient, server: FakeServer
) -> None:
    with pytest.raises(ValueError, match=UNENCODABLE.format("comment")):
        await client.numbers.add_mobile(
            number="79261234567", dgn_number="74951234567", purpose="company", comment="note\ud800"
        )
    assert server.requests == []


async def test_a_password_never_reaches_an_error_or_a_log(
    server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="virtnum")
    server.faults.fail(400, count=1, body=json.dumps({"error": f"bad {PASSWORD}"}).encode())
    async with AsyncClient(server.token, base_url=server.url) as client:
        with pytest.raises(BadRequestError) as info:
            await client.numbers.add_sip_registration(**SIP)
    assert PASSWORD not in str(info.value) + repr(info.value) + info.value.body
    assert PASSWORD not in caplog.text


async def test_post_is_not_retried_by_default(server: FakeServer) -> None:
    server.faults.fail(503, count=1)
    async with AsyncClient(server.token, base_url=server.url, max_retries=3) as client:
        with pytest.raises(InternalServerError) as info:
            await client.numbers.add_mobile(
                number="79001234567", dgn_number="74951234567", purpose="company"
            )
        assert info.value.attempts == 1
        assert len(server.requests) == 1
        server.faults.fail(503, count=1)
        created = await client.with_options(retry_post=True).numbers.add_mobile(
            number="79001234567", dgn_number="74951234567", purpose="company"
        )
    assert created.state is State.ACTIVATION
    assert len(server.requests) == 3


async def test_add_mobile_creates_an_activating_def_number(
    client: AsyncClient, server: FakeServer
) -> None:
    created = await client.numbers.add_mobile(
        number="79001234567", dgn_number="74951234567", purpose="\u0441ompany", comment="new"
    )
    assert sent_body(server) == {
        "number": "79001234567",
        "dgn_number": "74951234567",
        "purpose": "company",
        "type": "def",
        "comment": "new",
    }
    assert server.requests[-1].path == "/numbers/unconfirmed"
    assert (created.type, created.state, created.comment) == (
        NumberType.DEF,
        State.ACTIVATION,
        "new",
    )
    with pytest.raises(ValueError, match="purpose"):
        await client.numbers.add_mobile(
            number="79001234567", dgn_number="74951234567", purpose="employee"
        )


async def test_delete_removes_a_number_but_not_a_city_one(
    client: AsyncClient, server: FakeServer
) -> None:
    mobile = first_of(server, "def")
    assert await client.numbers.delete(mobile) is None
    assert server.requests[-1].method == "DELETE"
    with pytest.raises(NotFoundError):
        await client.numbers.get(mobile)
    city = first_of(server, "abc")
    with pytest.raises(BadRequestError, match="status 400"):
        await client.numbers.delete(city)
    assert city in server.numbers
    with pytest.raises(ValueError, match="id"):
        await client.numbers.delete(0)


def test_the_sync_client_writes_too(sync_client: Client, threaded_server: FakeServer) -> None:
    number_id = first_of(threaded_server, "def")
    assert (
        sync_client.numbers.update(number_id, comment="sync", purpose="company").comment == "sync"
    )
    created = sync_client.numbers.add_sip_registration(**SIP)
    assert PASSWORD not in repr(created)
    mobile = sync_client.numbers.add_mobile(
        number="79001234567", dgn_number="74951234567", purpose=Purpose.NOT_SPECIFIED
    )
    sync_client.numbers.delete(mobile.id)
    assert mobile.id not in threaded_server.numbers
    assert threaded_server.numbers[number_id]["comment"] == "sync"


@pytest.mark.parametrize(
    ("method", "fields", "not_fields"),
    [
        ("update", "UPDATE_FIELDS", {"self", "id"}),
        ("add_sip_registration", "SIP_REGISTRATION_FIELDS", {"self"}),
        ("add_mobile", "MOBILE_FIELDS", {"self"}),
    ],
)
def test_each_write_method_and_its_body_share_one_list_of_fields(
    method: str, fields: str, not_fields: set[str]
) -> None:
    import inspect

    from virtnum.resources import _bodies
    from virtnum.resources.numbers import AsyncNumbers

    parameters = list(inspect.signature(getattr(AsyncNumbers, method)).parameters)
    assert [p for p in parameters if p not in not_fields] == list(getattr(_bodies, fields))


@pytest.mark.parametrize(
    "body", [b"<html>deleted!</html>", b'{"id": 999}', b"[]", b'{"id": "x"}'], ids=repr
)
async def test_a_delete_answered_with_another_body_is_no_success(
    server: FakeServer, client: AsyncClient, body: bytes
) -> None:
    server.faults.garbage(body, count=1)
    number_id = next(i for i, r in server.numbers.items() if r["type"] != "abc")
    with pytest.raises(ResponseValidationError):
        await client.numbers.delete(number_id)
    assert number_id in server.numbers  # the fake's garbage answer deleted nothing


async def test_a_delete_answered_with_its_id_or_nothing_is_done(
    server: FakeServer, client: AsyncClient
) -> None:
    first, second = [i for i, r in server.numbers.items() if r["type"] != "abc"][:2]
    await client.numbers.delete(first)
    server.faults.garbage(b"", count=1)
    await client.numbers.delete(second)
    assert first not in server.numbers


def test_check_update_is_the_body_update_sends_and_refuses_what_it_refuses() -> None:
    from virtnum import check_update

    body = check_update(5, purpose=Purpose.EMPLOYEE, employee_id=7, comment=None)
    assert body == {"id": 5, "purpose": "employee", "employee_id": 7, "comment": None}
    with pytest.raises(ValueError, match="employee_id is required"):
        check_update(5, purpose="employee")
    with pytest.raises(ValueError, match="at least one field"):
        check_update(5)
    with pytest.raises(TypeError, match="'colour'"):
        check_update(5, colour="red")
