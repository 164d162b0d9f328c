"""Request bodies of the write methods, built and checked before anything is sent."""

from __future__ import annotations

import re
from typing import Any

from virtnum._types import NOT_GIVEN, NotGiven
from virtnum._validate import check_id, wrong_type
from virtnum.models import NumberType, Purpose

__all__ = ["mobile_body", "sip_registration_body", "update_body"]

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
    if value is None:
        return None
    if not isinstance(value, str):
        raise wrong_type("comment", "a str or None", value)
    return value


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
        raise ValueError(f"server_port must be 1 to 65535, got {value}")
    return value


def update_body(
    number_id: int,
    *,
    comment: str | NotGiven | None,
    purpose: Purpose | str | NotGiven,
    employee_id: int | NotGiven,
    login: str | NotGiven,
    password: str | NotGiven,
    server_host: str | NotGiven,
    server_port: int | NotGiven,
) -> dict[str, Any]:
    """The PUT body: ``id`` plus the fields given; employee_id goes with purpose=employee."""
    body: dict[str, Any] = {"id": check_id(number_id)}
    if comment is not NOT_GIVEN:
        body["comment"] = _comment(comment)
    if purpose is not NOT_GIVEN:
        body["purpose"] = _purpose(purpose).value
    if body.get("purpose") == Purpose.EMPLOYEE:
        if employee_id is NOT_GIVEN:
            raise ValueError("employee_id is required when purpose is 'employee'")
        body["employee_id"] = check_id(employee_id, "employee_id")
    elif employee_id is not NOT_GIVEN:
        raise ValueError("employee_id goes only with purpose='employee'")
    if login is not NOT_GIVEN:
        body["login"] = _text(login, "login")
    if password is not NOT_GIVEN:
        body["password"] = _text(password, "password", secret=True)
    if server_host is not NOT_GIVEN:
        body["server_host"] = _text(server_host, "server_host")
    if server_port is not NOT_GIVEN:
        body["server_port"] = _port(server_port)
    if len(body) == 1:
        raise ValueError("update needs at least one field to change")
    return body


def sip_registration_body(
    *,
    number: str,
    login: str,
    password: str,
    server_host: str,
    server_port: int,
    comment: str | None,
) -> dict[str, Any]:
    """The POST body for another operator's SIP-registration number."""
    body: dict[str, Any] = {
        "number": _phone(number, "number"),
        "login": _text(login, "login"),
        "password": _text(password, "password", secret=True),
        "server_host": _text(server_host, "server_host"),
        "server_port": _port(server_port),
        "purpose": Purpose.COMPANY.value,
        "type": NumberType.SIP_REGISTRATION.value,
    }
    if comment is not None:
        body["comment"] = _comment(comment)
    return body


def mobile_body(
    *, number: str, dgn_number: str, purpose: Purpose | str, comment: str | None
) -> dict[str, Any]:
    """The POST body for a mobile (def) number; purpose is company or not_specified."""
    body: dict[str, Any] = {
        "number": _phone(number, "number"),
        "dgn_number": _phone(dgn_number, "dgn_number"),
        "purpose": _purpose(purpose, frozenset({Purpose.COMPANY, Purpose.NOT_SPECIFIED})).value,
        "type": NumberType.DEF.value,
    }
    if comment is not None:
        body["comment"] = _comment(comment)
    return body
