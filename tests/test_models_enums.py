"""Models' string enums (NumberType, Purpose, State): str members, unknown values learned as
members that copy and pickle by value, the Cyrillic "сompany" alias, non-str values refused."""

from __future__ import annotations

import enum

import pytest

from virtnum import NumberType, Purpose, State

ENUMS = (NumberType, Purpose, State)


@pytest.mark.parametrize("cls", ENUMS)
def test_enums_are_str_enums(cls: type[enum.Enum]) -> None:
    assert issubclass(cls, str)
    assert issubclass(cls, enum.Enum)
    for member in cls:
        assert isinstance(member, str)
        assert member == member.value
        assert str(member) == member.value
        assert member.is_known is True  # type: ignore[attr-defined]


def test_enum_members_and_values() -> None:
    assert [m.value for m in NumberType] == [
        "def",
        "abc",
        "sip_registration",
        "sip_redirection",
        "toll_free",
    ]
    assert [m.value for m in Purpose] == ["company", "employee", "not_specified"]
    assert {m.value for m in State} >= {
        "active",
        "activation",
        "debt_lock",
        "unconfirmed",
        "freeze",
    }


@pytest.mark.parametrize("cls", ENUMS)
def test_known_value_lookup_returns_the_member(cls: type[enum.Enum]) -> None:
    for member in cls:
        assert cls(member.value) is member


def test_unknown_state_value_becomes_a_member() -> None:
    archived = State("archived")
    assert isinstance(archived, State)
    assert isinstance(archived, str)
    assert archived.value == "archived"
    assert archived == "archived"
    assert archived != State.ACTIVE
    assert hash(archived) == hash("archived")
    assert State("archived") is archived
    assert archived.is_known is False


@pytest.mark.parametrize(
    ("cls", "value"),
    [
        (NumberType, "mobile_5g"),
        (Purpose, "robot"),
        (State, "suspended-by-operator"),
    ],
)
def test_unknown_values_for_every_enum(cls: type[enum.Enum], value: str) -> None:
    member = cls(value)
    assert isinstance(member, cls)
    assert member.value == value
    assert member == value
    assert cls(value) is member
    assert member.is_known is False  # type: ignore[attr-defined]


def test_unknown_values_do_not_change_iteration() -> None:
    known = list(State)
    State("never-seen-before-state")
    assert list(State) == known
    assert "never-seen-before-state" not in [m.value for m in State]


def test_unknown_value_differing_only_in_case_is_not_known() -> None:
    """A learned value whose upper-cased spelling equals a member's name is still unknown.

    models.py names a learned member ``value.upper()`` and ``is_known`` checks that name
    against ``__members__``, so ``State("Active")`` (value ``"Active"``) claims to be known.
    """
    odd = State("Active")
    assert odd.value == "Active"
    assert odd != State.ACTIVE
    assert odd.is_known is False
    assert NumberType("DEF").is_known is False


def test_cyrillic_company_resolves_to_company() -> None:
    cyrillic = "\u0441ompany"
    assert cyrillic != "company"
    assert Purpose(cyrillic) is Purpose.COMPANY
    assert Purpose(cyrillic).value == "company"
    assert Purpose(cyrillic).is_known is True


@pytest.mark.parametrize("cls", ENUMS)
@pytest.mark.parametrize("value", [5, None, 1.5, b"active", ["def"], True])
def test_non_str_values_raise_value_error(cls: type[enum.Enum], value: object) -> None:
    with pytest.raises(ValueError, match="is not a valid"):
        cls(value)


def test_the_cyrillic_alias_does_not_depend_on_values_seen_before() -> None:
    """Found by the fast-path property test: once a server had sent state "company",
    a later "сompany" (Cyrillic с) turned into it, but only in that order."""
    first = State("\u0441ompany")
    State("company")
    assert State("\u0441ompany") is first
    assert first.value == "\u0441ompany"
    assert Purpose("\u0441ompany") is Purpose.COMPANY


@pytest.mark.parametrize("copier", ["pickle", "copy", "deepcopy"])
def test_unknown_members_copy_by_value_whatever_enum_does(
    copier: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python 3.11.2's Enum pickles by name and has no ``__copy__``: a learned member survives."""
    import copy
    import pickle

    def by_name(self: enum.Enum, protocol: object) -> object:
        return getattr, (type(self), self._name_)

    monkeypatch.setattr(enum.Enum, "__reduce_ex__", by_name)
    for name in ("__copy__", "__deepcopy__"):
        if name in vars(enum.Enum):
            monkeypatch.delattr(enum.Enum, name)
    learned = State("state_learned_while_enum_pickles_by_name")
    if copier == "pickle":
        again = [pickle.loads(pickle.dumps(learned, protocol)) for protocol in range(6)]
    else:
        again = [getattr(copy, copier)(learned)]
    assert again == [learned] * len(again)
    assert all(member.value == learned.value for member in again)
