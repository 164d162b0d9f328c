"""The API's data as frozen, slotted attrs classes and tolerant string enums.

Models know nothing of the network or of JSON parsing: ``_convert`` builds them.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

__all__ = [
    "AvailableMobileNumber",
    "NumberType",
    "Purpose",
    "RedirectNumber",
    "State",
    "VirtualNumber",
]

_MAX_UNKNOWN_MEMBERS = 1024
_unknown_lock = threading.Lock()


class _TolerantEnum(enum.StrEnum):
    """A str enum that turns values it does not know into extra members.

    The server may send a value the SDK has never seen; it comes back as a member
    whose ``.value`` is the server's string, so a long list never fails over it.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        alias = _ALIASES.get(value)
        if alias is not None:
            # only a member the SDK declares: one learned at run time would make the
            # answer depend on which values the server happened to send first
            declared = cls._member_map_.get(alias.upper())
            if declared is not None and declared._value_ == alias:
                return declared
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        with _unknown_lock:
            if len(cls._value2member_map_) < _MAX_UNKNOWN_MEMBERS:
                member = cls._value2member_map_.setdefault(value, member)  # type: ignore[assignment]
        return member

    # Early 3.11 patches (Debian 12's 3.11.2) pickle an Enum member by name and copy it so;
    # a learned member is no attribute of its class, so both failed there. By value, always:
    def __reduce_ex__(self, protocol: object) -> tuple[Any, tuple[str]]:
        return type(self), (self._value_,)

    def __copy__(self) -> _TolerantEnum:
        return self

    def __deepcopy__(self, memo: object) -> _TolerantEnum:
        return self

    @property
    def is_known(self) -> bool:
        """Whether this value is one the SDK was built with (not one learned at run time)."""
        return type(self)._member_map_.get(self._name_) is self


# The documents spell "company" with a Cyrillic "с" (U+0441); users copy it from there.
_ALIASES = {"\u0441ompany": "company"}


class NumberType(_TolerantEnum):
    """Kind of virtual number."""

    DEF = "def"
    ABC = "abc"
    SIP_REGISTRATION = "sip_registration"
    SIP_REDIRECTION = "sip_redirection"
    TOLL_FREE = "toll_free"


class Purpose(_TolerantEnum):
    """What a number is used for."""

    COMPANY = "company"
    EMPLOYEE = "employee"
    NOT_SPECIFIED = "not_specified"


class State(_TolerantEnum):
    """Life-cycle state of a number."""

    ACTIVE = "active"
    ACTIVATION = "activation"
    DEBT_LOCK = "debt_lock"
    UNCONFIRMED = "unconfirmed"
    FREEZE = "freeze"
    INACTIVE = "inactive"
    ERROR = "error"


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _read_only(value: Mapping[str, Any]) -> Mapping[str, Any]:
    """A private read-only copy, so later changes to the caller's dict cannot leak in."""
    return MappingProxyType(dict(value)) if value else _EMPTY


def _extra_field() -> Any:
    """``extra``: the keys the SDK does not know, read-only, left out of repr and hash."""
    return attrs.field(default=_EMPTY, converter=_read_only, hash=False, repr=False)


def _api_fields(cls: type[Any]) -> tuple[str, ...]:
    """The names of a model's API fields (everything but ``extra``)."""
    return tuple(a.name for a in attrs.fields(cls) if a.name != "extra")


def _reduce(model: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickling and copying: the fields in order, ``extra`` as a plain dict (a read-only
    mapping cannot be pickled), so models cross process boundaries (ProcessPoolExecutor)."""
    values = tuple(
        dict(value) if name == "extra" else value
        for name, value in ((a.name, getattr(model, a.name)) for a in attrs.fields(type(model)))
    )
    return type(model), values


@attrs.frozen
class RedirectNumber:
    """A number whose calls are redirected to a virtual number."""

    id: int
    number: str | None = None


def _to_tuple(value: Any) -> tuple[RedirectNumber, ...]:
    return () if value is None else tuple(value)


@attrs.frozen
class VirtualNumber:
    """One virtual phone number of the account.

    Every field but ``id`` may be missing from the server's answer and is then ``None``
    (``from_redirect_numbers`` is then ``()``). Keys the SDK does not know are kept
    in ``extra``, a read-only mapping.
    """

    id: int
    """The number's unique id in the account."""
    number: str | None = None
    """The phone number, digits only: ``79201234567``."""
    comment: str | None = None
    type: NumberType | None = None
    """Mobile (``def``), city (``abc``), SIP registration or redirection, toll-free."""
    purpose: Purpose | None = None
    scenario_id: int | None = None
    """The inbound-call scenario bound to the number."""
    group_scenario_id: int | None = None
    """The inbound-call scenario of the number's group."""
    group_id: int | None = None
    is_scenario_active: bool | None = None
    is_group_scenario_active: bool | None = None
    state: State | None = None
    reason: str | None = None
    """Why the state last changed."""
    from_redirect_numbers: tuple[RedirectNumber, ...] = attrs.field(default=(), converter=_to_tuple)
    """Numbers whose calls are redirected to this one (``null`` from the server is ``()``)."""
    employee_id: int | None = None
    """The employee the number is assigned to (with purpose ``employee``)."""
    redirect_number: str | None = None
    dgn_number: str | None = None
    """The additional city number tied to the number (the documents disagree on its
    meaning: one page says "the number to redirect to")."""
    region_name: str | None = None
    app_id: int | None = None
    """The id of the customer account (the web cabinet)."""
    nc_type: str | None = None
    """Not in the documents' tables but in every example: ``custom``, ``custom+fmc``."""
    sip_uri: str | None = None
    """The SIP URI of a ``sip_redirection`` number."""
    extra: Mapping[str, Any] = _extra_field()

    __reduce__ = _reduce


#: The names of the API's fields of a virtual number (everything but ``extra``).
VIRTUAL_NUMBER_FIELDS = _api_fields(VirtualNumber)


def _empty_as_none(value: str | None) -> str | None:
    """The documents' empty value ``""`` read as ``None``."""
    return None if value == "" else value


@attrs.frozen
class AvailableMobileNumber:
    """A mobile number the account's contract can connect (its "capacity").

    Add it with ``numbers.add_mobile``. Unknown keys are kept in ``extra``.
    """

    id: str
    """The capacity record's id: a string, the number itself in the documents."""
    number: str | None = None
    dgn_number: str | None = attrs.field(default=None, converter=_empty_as_none)
    """The additional city number tied to it (the server's ``""`` reads as ``None``)."""
    state: State | None = None
    extra: Mapping[str, Any] = _extra_field()

    __reduce__ = _reduce


#: The names of the API's fields of a capacity record (everything but ``extra``).
AVAILABLE_MOBILE_FIELDS = _api_fields(AvailableMobileNumber)

#: The str enums that keep values they do not know (a server may send new ones).
TOLERANT_ENUMS: tuple[type[_TolerantEnum], ...] = (NumberType, Purpose, State)
