"""Write bodies checked as the documents state them, before anything is stored.

Each write has a shape: the fields it requires, the ones it may add, and the values a
few of them may take. Every field has one JSON type: strings, ints that are not bools,
positive ids, phone numbers of ASCII digits only, ports 1-65535. A body that breaks any
of it is ``Refused`` (400) with the field named; the handlers store nothing before
these checks pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import msgspec

from virtnum.testing._http import Refused

__all__ = ["MOBILE", "SIP_REGISTRATION", "Shape", "check_body", "check_update", "decode"]

_PURPOSES = ("company", "employee", "not_specified")
_decode = msgspec.json.Decoder().decode

# A check returns None for a good value, else what the value must be.
_Check = Callable[[Any], str | None]


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else "a string"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "a non-empty string"


def _comment(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else "a string or null"


def _positive(value: Any) -> str | None:
    return None if type(value) is int and value > 0 else "a positive integer"


def _port(value: Any) -> str | None:
    return None if type(value) is int and 1 <= value <= 65535 else "an integer from 1 to 65535"


def _digits(value: Any) -> str | None:
    ok = isinstance(value, str) and value.isascii() and value.isdigit()
    return None if ok else "a string of digits only, e.g. 79201234567"


_TYPES: dict[str, _Check] = {
    "id": _positive,
    "comment": _comment,
    "purpose": _string,
    "employee_id": _positive,
    "login": _text,
    "password": _text,
    "server_host": _text,
    "server_port": _port,
    "number": _digits,
    "dgn_number": _digits,
    "type": _string,
}


def _shown(value: Any) -> str:
    """What a refusal says was sent: numbers, booleans and null as they were, other
    values by their JSON type only (a string may be a password)."""
    if value is None or isinstance(value, (bool, int, float)):
        text = msgspec.json.encode(value).decode()
        return text if len(text) <= 30 else text[:27] + "..."
    kinds: dict[type, str] = {str: "a string", list: "an array", dict: "an object"}
    return kinds.get(type(value), type(value).__name__)


@attrs.frozen
class Shape:
    """One write's body: the fields it needs, the ones it may add, and the values
    allowed for some of them."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    values: Mapping[str, tuple[str | int, ...]] = attrs.field(factory=dict)


def _edit(kind: str, optional: tuple[str, ...], purposes: tuple[str, ...]) -> Shape:
    name = f"an edit of a {kind} number"
    return Shape(name, ("id", "purpose"), optional, {"purpose": purposes})


# PUT /numbers/virtual-number/{id}, by the number's type (documents: the vendor's pages):
# each documented type's edit carries purpose, which abc and SIP registration set to company.
_UPDATES = {
    "def": _edit("def", ("comment", "employee_id"), _PURPOSES),
    "abc": _edit("abc", ("comment",), ("company",)),
    "sip_registration": _edit(
        "sip_registration",
        ("comment", "login", "password", "server_host", "server_port"),
        ("company",),
    ),
}
# The documents are silent on editing other types (toll_free, sip_redirection): no
# field is required and none of the editable ones refused.
_UNDESCRIBED = Shape(
    "an edit of this number", ("id",), ("comment", "purpose", "employee_id"), {"purpose": _PURPOSES}
)
SIP_REGISTRATION = Shape(
    "a new SIP-registration number",
    ("number", "login", "password", "server_host", "server_port", "purpose", "type"),
    ("comment",),
    {"purpose": ("company",), "type": ("sip_registration",)},
)
MOBILE = Shape(
    "a new mobile number",
    ("number", "dgn_number", "purpose", "type"),
    ("comment",),
    {"purpose": ("company", "not_specified"), "type": ("def",)},
)


def decode(raw: bytes) -> Any:
    """The request body as JSON (RFC 7159, UTF-8); Refused when it is not."""
    if not raw.strip():
        raise Refused("the body must be a JSON object, got nothing")
    try:
        return _decode(raw)
    except (msgspec.DecodeError, RecursionError):
        raise Refused("the body is not JSON (RFC 7159, UTF-8)") from None


def check_body(body: Any, shape: Shape) -> dict[str, Any]:
    """``body`` if it has the shape: an object of known fields, the required ones
    present, each of its type and allowed value; employee_id with purpose employee."""
    if not isinstance(body, dict):
        raise Refused(f"the body of {shape.name} must be a JSON object, got {_shown(body)}")
    allowed = shape.required + shape.optional
    for name in body:
        if name not in allowed:
            raise Refused(
                f"{name[:40]} is not a field of {shape.name} (allowed: {', '.join(allowed)})",
                field=name[:40],
            )
    for name in shape.required:
        if name not in body:
            raise Refused(f"{name} is required in {shape.name}", field=name)
    for name, value in body.items():
        problem = _TYPES[name](value)
        if problem is not None:
            raise Refused(f"{name} must be {problem}, got {_shown(value)}", field=name)
        choices = shape.values.get(name)
        if choices is not None and value not in choices:
            shown = ", ".join(map(str, choices))
            raise Refused(f"{name} must be one of {shown}", field=name)
    if body.get("purpose") == "employee" and "employee_id" not in body:
        raise Refused("employee_id is required when purpose is employee", field="employee_id")
    if "employee_id" in body and body.get("purpose") != "employee":
        raise Refused("employee_id goes only with purpose employee", field="employee_id")
    return body


def _update_shape(record: Mapping[str, Any]) -> Shape:
    """The edit ``record``'s type takes (for a type the documents do not describe, any
    editable field, judged by kind only); an abc or SIP-registration edit may also
    repeat the purpose on record, with its employee_id, since repeating it changes
    nothing."""
    kind, purpose = record.get("type"), record.get("purpose")
    shape = _UPDATES.get(kind) if isinstance(kind, str) else None
    if shape is None:
        return _UNDESCRIBED
    if not isinstance(purpose, str) or purpose in shape.values["purpose"]:
        return shape
    values: dict[str, tuple[str | int, ...]] = {"purpose": (*shape.values["purpose"], purpose)}
    employee_id, optional = record.get("employee_id"), shape.optional
    if purpose == "employee" and type(employee_id) is int:
        optional += ("employee_id",)
        values["employee_id"] = (employee_id,)
    return attrs.evolve(shape, optional=optional, values=values)


def check_update(body: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    """A PUT body for ``record``: the fields its type takes, and the path's id."""
    checked = check_body(body, _update_shape(record))
    if checked["id"] != record["id"]:
        raise Refused("the body's id must be the id in the path", field="id")
    return checked
