"""The plan refuses exactly what the write would be refused: the fields and purposes a
number's type takes, checked against the FakeServer for every type it serves."""

from __future__ import annotations

from typing import Any

import pytest

from virtnum import AsyncClient, BadRequestError, NumberType, Purpose, VirtualNumber
from virtnum.cli.commands.plan import check_type, plan_update
from virtnum.testing import FakeServer

EDITS: list[dict[str, Any]] = [
    {"comment": "new note"},
    {"purpose": "company"},
    {"purpose": "not_specified"},
    {"purpose": "employee", "employee_id": 321},
    {"comment": "x", "purpose": "company"},
]


async def _server_takes(client: AsyncClient, number_id: int, kwargs: dict[str, Any]) -> bool:
    try:
        await client.numbers.update(number_id, **kwargs)
    except (BadRequestError, ValueError):
        return False
    return True


async def test_the_plan_refuses_what_the_server_refuses_for_every_type(
    server: FakeServer, client: AsyncClient
) -> None:
    kinds: dict[str, int] = {}
    for number_id, record in server.numbers.items():
        kinds.setdefault(record["type"], number_id)
    assert set(kinds) == {t.value for t in NumberType}
    for kind, number_id in kinds.items():
        for edit in EDITS:
            number = await client.numbers.get(number_id)
            try:
                plan = plan_update(number, edit)
            except ValueError:
                assert not await _server_takes(client, number_id, edit), (kind, edit)
                continue
            if plan.changes:
                assert await _server_takes(client, number_id, dict(plan.kwargs)), (kind, edit)


@pytest.mark.parametrize(
    ("kind", "kwargs", "words"),
    [
        (NumberType.ABC, {"purpose": "employee"}, "can only have purpose company"),
        (NumberType.SIP_REGISTRATION, {"employee_id": 3}, "not employee_id"),
    ],
)
def test_a_field_the_type_does_not_take_is_named(
    kind: NumberType | None, kwargs: dict[str, Any], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        check_type(VirtualNumber(id=1, type=kind), kwargs)
    check_type(VirtualNumber(id=1, type=kind), {"comment": "always fine"})


@pytest.mark.parametrize("kind", [NumberType.TOLL_FREE, NumberType.SIP_REDIRECTION, None])
@pytest.mark.parametrize(
    "kwargs", [{"purpose": "company"}, {"purpose": "employee", "employee_id": 3}]
)
def test_a_type_the_documents_do_not_describe_is_not_judged(
    kind: NumberType | None, kwargs: dict[str, Any]
) -> None:
    check_type(VirtualNumber(id=1, type=kind), kwargs)


def test_a_purpose_repeated_as_it_is_on_record_is_not_judged() -> None:
    city = VirtualNumber(id=4, type=NumberType.ABC, purpose=Purpose.EMPLOYEE, employee_id=9)
    check_type(city, {"comment": "x", "purpose": "employee", "employee_id": 9})
    with pytest.raises(ValueError, match="not employee_id"):
        check_type(city, {"purpose": "employee", "employee_id": 10})
