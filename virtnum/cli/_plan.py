"""Edits as plans: which fields of a number differ from the wanted values, and the
``update`` call (with what the API also wants) that makes them so."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any

import attrs

from virtnum import NOT_GIVEN, Purpose, VirtualNumber
from virtnum.resources._bodies import UPDATE_FIELDS, kept_purpose, update_body

__all__ = ["EDITABLE", "Change", "Plan", "check_wanted", "number_id", "plan_update"]

#: The fields ``update`` and ``apply`` change.
EDITABLE = ("comment", "purpose", "employee_id")


def number_id(value: object) -> int:
    """A positive number id from an int or a string of digits (ValueError otherwise)."""
    if type(value) is int and value > 0:
        return value
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    shown = value[:40] if isinstance(value, str) else value
    raise ValueError(f"not a number id: {shown!r}")


def check_wanted(given: Mapping[str, Any]) -> dict[str, Any]:
    """Wanted values checked as the SDK checks them (purpose becomes its API string),
    and together: employee_id goes only with purpose employee. ValueError names all."""
    wanted: dict[str, Any] = {}
    problems: list[str] = []
    for field in EDITABLE:
        if field in given:
            try:
                wanted[field] = UPDATE_FIELDS[field](given[field], field)
            except ValueError as exc:
                problems.append(str(exc))
    if "employee_id" in wanted and wanted.get("purpose", Purpose.EMPLOYEE) != Purpose.EMPLOYEE:
        problems.append("employee_id goes only with purpose employee")
    if problems:
        raise ValueError("; ".join(problems))
    return wanted


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@attrs.frozen
class Change:
    """One field of one number: its value now and the wanted one."""

    field: str
    before: Any
    after: Any

    def __str__(self) -> str:
        return f"{self.field}: {_shown(self.before)} → {_shown(self.after)}"


@attrs.frozen
class Plan:
    """The changes to one number and the keyword arguments of the ``update`` making them
    (empty when nothing differs)."""

    number: VirtualNumber
    changes: tuple[Change, ...]
    kwargs: Mapping[str, Any]


def _now(number: VirtualNumber, field: str) -> Any:
    value = getattr(number, field)
    return value.value if isinstance(value, enum.Enum) else value


def plan_update(number: VirtualNumber, wanted: Mapping[str, Any]) -> Plan:
    """The plan taking ``number`` to the (checked) ``wanted`` values; ValueError when the
    result is not a valid edit (employee_id without purpose employee, ...)."""
    changes = tuple(
        Change(field, _now(number, field), value)
        for field, value in wanted.items()
        if _now(number, field) != value
    )
    if not changes:
        return Plan(number, (), {})
    kwargs = {change.field: change.after for change in changes}
    # What update() would GET for a mobile number's edit is here already: pass it along.
    if "purpose" not in kwargs:
        kwargs = {**kept_purpose(number), **kwargs}
    elif kwargs["purpose"] == Purpose.EMPLOYEE and number.employee_id is not None:
        kwargs.setdefault("employee_id", number.employee_id)
    update_body(number.id, {**dict.fromkeys(UPDATE_FIELDS, NOT_GIVEN), **kwargs})
    return Plan(number, changes, kwargs)
