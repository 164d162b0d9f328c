"""The writes of the stateful test: each as the call to make and the ledger it leaves if
the server applied it, computed from the model (what the ledger held before)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import attrs

from virtnum import to_dict
from virtnum.resources.numbers import AsyncNumbers

from ._ledger import View

#: A phone number no capacity list offers (adding it is refused with a 400).
NOT_OFFERED = "79990000000"


@attrs.frozen
class Write:
    """``what`` it is, ``make`` starts it, ``done(now)`` is the ledger it leaves if it
    was applied (None if it cannot apply), ``echo`` checks what a success returned,
    ``secret`` is the password it sends, if any."""

    what: str
    make: Callable[[], Awaitable[Any]]
    done: Callable[[View], View | None]
    echo: Callable[[Any, View], None] = lambda value, now: None
    secret: str | None = None


def password(serial: int) -> str:
    return f"sip-secret-{serial:04d}-Qx"


def update_comment(model: View, api: AsyncNumbers, number_id: int, serial: int) -> Write:
    comment = f"note {serial}"
    done = model.changed(number_id, comment=comment) if number_id in model.numbers else None

    def echo(value: Any, now: View) -> None:
        assert (value.id, value.comment) == (number_id, comment), f"update echoed {value!r}"

    return Write(
        f"update({number_id}, comment={comment!r})",
        lambda: api.update(number_id, comment=comment),
        lambda now: done,
        echo,
    )


def sip_ids(model: View) -> list[int]:
    return sorted(i for i, r in model.numbers.items() if r["type"] == "sip_registration")


def update_login(model: View, api: AsyncNumbers, index: int, serial: int) -> Write:
    """A new login and password for one of the SIP-registration numbers."""
    ids = sip_ids(model)
    number_id = ids[index % len(ids)]
    login, secret = f"login-{serial}", password(serial)
    done = model.changed(number_id, login=login)
    done = attrs.evolve(done, passwords={**done.passwords, number_id: secret})

    def echo(value: Any, now: View) -> None:
        assert value.id == number_id, repr(value)
        assert "password" not in to_dict(value)

    return Write(
        f"update({number_id}, login={login!r}, password=...)",
        lambda: api.update(number_id, login=login, password=secret),
        lambda now: done,
        echo,
        secret,
    )


def delete(model: View, api: AsyncNumbers, number_id: int) -> Write:
    record = model.numbers.get(number_id)
    done = None
    if record is not None and record["type"] != "abc":  # city numbers cannot be deleted
        numbers = {i: r for i, r in model.numbers.items() if i != number_id}
        passwords = {i: p for i, p in model.passwords.items() if i != number_id}
        done = attrs.evolve(model, numbers=numbers, passwords=passwords)
    return Write(f"delete({number_id})", lambda: api.delete(number_id), lambda now: done)


def added(model: View, now: View, fields: dict[str, Any], **changes: Any) -> View | None:
    """``now`` if it is ``model`` plus one new number with ``fields``, and the
    ``changes(new_id)`` to the rest of the view that adding it makes; else None."""
    new = [i for i in now.numbers if i not in model.numbers]
    if len(new) != 1:
        return None
    record = now.numbers[new[0]]
    if any(record.get(key) != value for key, value in fields.items()):
        return None
    expected = attrs.evolve(model, numbers={**model.numbers, new[0]: record})
    for name, change in changes.items():
        expected = attrs.evolve(expected, **{name: change(new[0])})
    return expected if expected == now else None


def add_sip(model: View, api: AsyncNumbers, serial: int) -> Write:
    fields = {
        "number": f"7800{serial:07d}",
        "login": f"login-{serial}",
        "server_host": "sip.example",
        "server_port": 5060,
    }
    secret = password(serial)

    def echo(value: Any, now: View) -> None:
        assert value.number == fields["number"], repr(value)
        assert value.id in now.numbers, repr(value)
        assert "password" not in to_dict(value)

    return Write(
        f"add_sip_registration(number={fields['number']})",
        lambda: api.add_sip_registration(**fields, password=secret),
        lambda now: added(
            model,
            now,
            {**fields, "type": "sip_registration"},
            passwords=lambda new: {**model.passwords, new: secret},
        ),
        echo,
        secret,
    )


def add_mobile(model: View, api: AsyncNumbers, index: int) -> Write:
    """Add one of the available mobile numbers, or (one past the end) one not offered."""
    available = sorted(model.available)
    number = [*available, NOT_OFFERED][index % (len(available) + 1)]
    left = model.available - {number}

    def echo(value: Any, now: View) -> None:
        assert value.number == number, repr(value)
        assert value.id in now.numbers, repr(value)

    return Write(
        f"add_mobile(number={number})",
        lambda: api.add_mobile(number=number, dgn_number="74950000001", purpose="company"),
        lambda now: added(
            model,
            now,
            {"number": number, "type": "def", "state": "activation"},
            available=lambda new: left,
        ),
        echo,
    )
