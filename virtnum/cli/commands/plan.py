"""Edits as plans: which fields of a number differ from the wanted values, and the
``update`` call (with what the API also wants) that makes them so, checked as the write
would be: the fields and purposes the number's type takes, and the columns that cannot
be edited still as they are."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from virtnum import NumberType, Purpose, VirtualNumber
from virtnum.cli.output.cells import cell
from virtnum.cli.output.formats import Columns
from virtnum.cli.output.inert import json_text
from virtnum.models import VIRTUAL_NUMBER_FIELDS

__all__ = [
    "EDITABLE",
    "READ_ONLY",
    "Change",
    "Plan",
    "check_type",
    "check_wanted",
    "number_id",
    "number_ids",
    "plan_update",
]

#: The fields ``update`` and ``apply`` change.
EDITABLE = ("comment", "purpose", "employee_id")
#: The other fields ``numbers list`` writes: ``apply`` compares them, never sends them.
READ_ONLY = tuple(name for name in VIRTUAL_NUMBER_FIELDS if name not in ("id", *EDITABLE))

# What an edit (PUT) of a number of each documented type takes, of EDITABLE, and the
# purposes it may set (the vendor's pages: a city or SIP-registration number's purpose
# is only company). The documents are silent on the other types (toll_free,
# sip_redirection): their edits are left for the server to judge.
_EDITS: dict[Any, tuple[tuple[str, ...], tuple[str, ...]]] = {
    NumberType.DEF: (EDITABLE, ("company", "employee", "not_specified")),
    NumberType.ABC: (("comment", "purpose"), ("company",)),
    NumberType.SIP_REGISTRATION: (("comment", "purpose"), ("company",)),
}
_SCIENTIFIC = re.compile(r"[0-9]+([.,][0-9]+)?e[+]?[0-9]+", re.IGNORECASE)


def number_id(value: object) -> int:
    """A positive number id from an int or a string of digits (ValueError otherwise)."""
    if type(value) is int and value > 0:
        return value
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    shown = value[:40] if isinstance(value, str) else value
    raise ValueError(f"not a number id: {shown!r} (ids are positive integers)")


def number_ids(words: Iterable[str]) -> list[int]:
    """Every word as a number id; ValueError naming every word that is none, before
    anything is sent (a bulk command does all its ids or none)."""
    ids, bad = [], []
    for word in words:
        try:
            ids.append(number_id(word))
        except ValueError:
            bad.append(repr(word[:40]))
    if len(bad) == 1:
        raise ValueError(f"not a number id: {bad[0]} (ids are positive integers)")
    if bad:
        shown = ", ".join(bad[:20]) + (" ..." if len(bad) > 20 else "")
        raise ValueError(f"{len(bad)} are not number ids: {shown} (ids are positive integers)")
    return ids


def _alone(field: str, value: Any) -> dict[str, Any]:
    """``field``'s value with what ``update`` wants beside it (purpose employee and an
    employee_id go together), so that ``check_update`` judges that value alone."""
    if field == "employee_id":
        return {field: value, "purpose": Purpose.EMPLOYEE}
    employee = isinstance(value, str) and value and Purpose(value) == Purpose.EMPLOYEE
    if field == "purpose" and employee:
        return {field: value, "employee_id": 1}
    return {field: value}


def check_wanted(given: Mapping[str, Any]) -> dict[str, Any]:
    """Wanted values checked as the SDK checks them (purpose becomes its API string),
    and together: employee_id goes only with purpose employee. ValueError names all."""
    from virtnum import check_update  # the resources load aiohttp

    wanted: dict[str, Any] = {}
    problems: list[str] = []
    for field in EDITABLE:
        if field in given:
            try:
                body = check_update(1, **_alone(field, given[field]))
            except ValueError as exc:
                problems.append(str(exc))
            else:
                wanted[field] = body[field]
    if "employee_id" in wanted and wanted.get("purpose", Purpose.EMPLOYEE) != Purpose.EMPLOYEE:
        problems.append("employee_id goes only with purpose employee")
    if problems:
        raise ValueError("; ".join(problems))
    return wanted


@attrs.frozen
class Change:
    """One field of one number: its value now and the wanted one."""

    field: str
    before: Any
    after: Any

    def __str__(self) -> str:
        return f"{self.field}: {json_text(self.before)} → {json_text(self.after)}"


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


def check_type(number: VirtualNumber, kwargs: Mapping[str, Any]) -> None:
    """ValueError when the ``update`` of ``kwargs`` sets a field or purpose the documents
    refuse for the number's type (an abc number's employee, ...); a value repeated as it
    is on record changes nothing and is not judged, nor is a type they do not describe."""
    rules = _EDITS.get(number.type)
    if rules is None:
        return
    fields, purposes = rules
    kind = f"a {number.type.value} number" if number.type else "a number of no type"
    changed = {field: value for field, value in kwargs.items() if _now(number, field) != value}
    refused = [field for field in changed if field not in fields]
    if refused:
        raise ValueError(f"{kind} takes only {' and '.join(fields)}, not {', '.join(refused)}")
    purpose = changed.get("purpose")
    if purpose is not None and purpose not in purposes:
        raise ValueError(f"{kind} can only have purpose {' or '.join(purposes)}, not {purpose}")


def _unchanged(number: VirtualNumber, seen: Mapping[str, str]) -> None:
    """ValueError naming each column of ``seen`` (read-only, as CSV text) whose value is
    not the number's: those cannot be edited, so the row would not do what it says."""
    now = Columns(tuple(seen)).values(number)
    problems = []
    for (field, given), value in zip(seen.items(), now, strict=True):
        current = cell(value)
        if given.strip().casefold() == current.strip().casefold():
            continue
        problem = f"{field} cannot be edited: the number has {json_text(current)}"
        problem += f", the file {json_text(given)}"
        if _SCIENTIFIC.fullmatch(given.strip()):
            problem += " (Excel's scientific notation? keep the column as text, or use xlsx)"
        problems.append(problem)
    if problems:
        raise ValueError("; ".join(problems) + "; nothing is sent for this row")


def _kept_purpose(number: VirtualNumber) -> dict[str, Any]:
    """The purpose (with its employee_id) ``update`` repeats from the number it reads
    when none is given: the plan has that number, so it passes them along itself."""
    if number.purpose is None:
        return {}
    kept: dict[str, Any] = {"purpose": number.purpose.value}
    if number.purpose == Purpose.EMPLOYEE and number.employee_id is not None:
        kept["employee_id"] = number.employee_id
    return kept


def plan_update(
    number: VirtualNumber, wanted: Mapping[str, Any], seen: Mapping[str, str] | None = None
) -> Plan:
    """The plan taking ``number`` to the (checked) ``wanted`` values; ValueError when the
    result is not a valid edit (employee_id without purpose employee, a field its type
    does not take, ...) or a read-only value of ``seen`` differs."""
    from virtnum import check_update

    if seen:
        _unchanged(number, seen)
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
        kwargs = {**_kept_purpose(number), **kwargs}
    elif kwargs["purpose"] == Purpose.EMPLOYEE and number.employee_id is not None:
        kwargs.setdefault("employee_id", number.employee_id)
    check_type(number, kwargs)
    check_update(number.id, **kwargs)
    return Plan(number, changes, kwargs)
