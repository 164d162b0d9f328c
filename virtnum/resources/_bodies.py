"""Request bodies of the write methods, built and checked before anything is sent."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from virtnum._types import NOT_GIVEN
from virtnum._validate import check_id, check_optional_str, check_utf8, int_shown, wrong_type
from virtnum.models import NumberType, Purpose, VirtualNumber

__all__ = [
    "check_update",
    "kept_purpose",
    "mobile_body",
    "sip_registration_body",
    "update_body",
    "with_kept_purpose",
]

_PHONE = re.compile(r"[0-9]{10,15}")
_KNOWN_PURPOSES = frozenset(Purpose.__members__.values())


def _phone(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise wrong_type(name, "a str of digits", value)
    if not _PHONE.fullmatch(value):
        raise ValueError(f"{name} must be 10 to 15 digits, e.g. 79201234567")
    return value


def _text(value: Any, name: str, *, secret: bool = False) -> str:
    if not isinstance(value, str):
        raise wrong_type(name, "a str", value)
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    if any(ord(ch) < 32 for ch in value):
        shown = "" if secret else f" ({value[:20]!r})"
        raise ValueError(f"{name} contains control characters{shown}")
    return value


def _comment(value: Any) -> str | None:
    return check_optional_str(value, "comment", "a str or None")


def _purpose(value: Any, allowed: frozenset[Purpose] = _KNOWN_PURPOSES) -> Purpose:
    if isinstance(value, str) and value:
        purpose = Purpose(value)
        if purpose in allowed:
            return purpose
    names = ", ".join(sorted(p.value for p in allowed))
    raise ValueError(f"purpose must be one of {names}, got {value!r}")


def _port(value: Any) -> int:
    if type(value) is not int:
        raise wrong_type("server_port", "an int", value)
    if not 1 <= value <= 65535:
        raise ValueError(f"server_port must be 1 to 65535, got {int_shown(value)}")
    return value


def _secret(value: Any, name: str) -> str:
    return _text(value, name, secret=True)


def _purpose_value(value: Any, name: str) -> str:
    return _purpose(value).value


def _mobile_purpose(value: Any, name: str) -> str:
    return _purpose(value, frozenset({Purpose.COMPANY, Purpose.NOT_SPECIFIED})).value


def _employee(value: Any, name: str) -> int:
    return check_id(value, name)


Check = Callable[[Any, str], Any]

# Each write's fields and their checks, once: the keys are the parameters of the resource
# method, which passes its ``locals()`` (tests hold the two to each other).
UPDATE_FIELDS: dict[str, Check] = {
    "comment": lambda value, _: _comment(value),
    "purpose": _purpose_value,
    "employee_id": _employee,
    "login": _text,
    "password": _secret,
    "server_host": _text,
    "server_port": lambda value, _: _port(value),
}
SIP_REGISTRATION_FIELDS: dict[str, Check] = {
    "number": _phone,
    "login": _text,
    "password": _secret,
    "server_host": _text,
    "server_port": lambda value, _: _port(value),
    "comment": lambda value, _: _comment(value),
}
MOBILE_FIELDS: dict[str, Check] = {
    "number": _phone,
    "dgn_number": _phone,
    "purpose": _mobile_purpose,
    "comment": lambda value, _: _comment(value),
}


def _checked(fields: dict[str, Check], given: Mapping[str, Any]) -> dict[str, Any]:
    """The checked value of every field given (not NOT_GIVEN; a None comment is left out
    of a POST, where it cannot clear anything). A str that UTF-8 cannot encode is
    refused first, by name: the JSON encoder's own error would quote it whole."""
    return {
        name: check(check_utf8(value, name) if isinstance(value, str) else value, name)
        for name, check in fields.items()
        if (value := given[name]) is not NOT_GIVEN
    }


def update_body(number_id: int, given: Mapping[str, Any]) -> dict[str, Any]:
    """The PUT body: ``id`` plus the fields given; employee_id goes with purpose=employee."""
    body: dict[str, Any] = {"id": check_id(number_id)}
    employee_id = given["employee_id"]
    body.update(_checked(UPDATE_FIELDS, {**given, "employee_id": NOT_GIVEN}))
    if body.get("purpose") == Purpose.EMPLOYEE:
        if employee_id is NOT_GIVEN:
            raise ValueError(
                "employee_id is required when purpose is 'employee':"
                " pass employee_id or another purpose"
            )
        body["employee_id"] = _employee(employee_id, "employee_id")
    elif employee_id is not NOT_GIVEN:
        raise ValueError("employee_id goes only with purpose='employee'")
    if len(body) == 1:
        raise ValueError("update needs at least one field to change")
    return body


def check_update(id: int, /, **fields: Any) -> dict[str, Any]:
    """The body ``client.numbers.update(id, **fields)`` sends, checked as ``update`` checks
    it and without any request: ValueError or InvalidArgumentTypeError naming the field,
    TypeError for a field ``update`` does not take. (Without ``purpose``, ``update`` also
    repeats the number's current one, which it reads first.)"""
    unknown = [name for name in fields if name not in UPDATE_FIELDS]
    if unknown:
        raise TypeError(f"check_update() got an unexpected keyword argument {unknown[0]!r}")
    return update_body(id, {**dict.fromkeys(UPDATE_FIELDS, NOT_GIVEN), **fields})


def kept_purpose(number: VirtualNumber) -> dict[str, Any]:
    """The purpose an edit that leaves it alone repeats from ``number`` (with its
    employee_id, if any): the documents want it in every edit they describe, and for the
    types they do not (toll_free, sip_redirection) the purpose on record is the safe
    guess."""
    if number.purpose is None:
        return {}
    kept: dict[str, Any] = {"purpose": number.purpose.value}
    if number.purpose == Purpose.EMPLOYEE and number.employee_id is not None:
        kept["employee_id"] = number.employee_id
    return kept


def with_kept_purpose(body: Mapping[str, Any], number: VirtualNumber) -> dict[str, Any]:
    """``body`` plus ``kept_purpose(number)``; ValueError when that purpose is employee and
    no employee_id is on record, an edit the API would refuse."""
    kept = kept_purpose(number)
    if kept.get("purpose") == Purpose.EMPLOYEE and "employee_id" not in kept:
        raise ValueError(
            f"number {number.id} is on purpose 'employee' with no employee_id on record:"
            " pass employee_id or another purpose"
        )
    return {**body, **kept}


def sip_registration_body(given: Mapping[str, Any]) -> dict[str, Any]:
    """The POST body for another operator's SIP-registration number."""
    body = _checked(SIP_REGISTRATION_FIELDS, given)
    body.update(purpose=Purpose.COMPANY.value, type=NumberType.SIP_REGISTRATION.value)
    if body.get("comment", NOT_GIVEN) is None:
        del body["comment"]
    return body


def mobile_body(given: Mapping[str, Any]) -> dict[str, Any]:
    """The POST body for a mobile (def) number; purpose is company or not_specified."""
    body = _checked(MOBILE_FIELDS, given)
    body["type"] = NumberType.DEF.value
    if body.get("comment", NOT_GIVEN) is None:
        del body["comment"]
    return body
