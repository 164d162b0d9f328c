"""Models: frozen, slotted attrs classes with defaults and a read-only ``extra``, and how they
hash, compare, print, pickle and copy (the string enums: test_models_enums.py)."""

from __future__ import annotations

from types import MappingProxyType

import attrs
import pytest

from virtnum import AvailableMobileNumber, RedirectNumber, State, VirtualNumber
from virtnum.models import VIRTUAL_NUMBER_FIELDS

# ---------------------------------------------------------------------------
# frozen and slotted


@pytest.mark.parametrize(
    ("obj", "field", "value"),
    [
        (VirtualNumber(id=1), "id", 2),
        (VirtualNumber(id=1), "number", "79201234567"),
        (VirtualNumber(id=1), "extra", {}),
        (RedirectNumber(id=1), "id", 2),
        (RedirectNumber(id=1, number="1"), "number", "2"),
        (AvailableMobileNumber(id="1"), "dgn_number", "2"),
        (AvailableMobileNumber(id="1"), "extra", {}),
    ],
)
def test_models_are_frozen(obj: object, field: str, value: object) -> None:
    before = getattr(obj, field)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(obj, field, value)
    assert getattr(obj, field) == before


@pytest.mark.parametrize(
    "obj", [VirtualNumber(id=1), RedirectNumber(id=1), AvailableMobileNumber(id="1")]
)
def test_models_are_slotted(obj: object) -> None:
    assert not hasattr(obj, "__dict__")
    assert "__slots__" in type(obj).__dict__
    with pytest.raises((AttributeError, attrs.exceptions.FrozenInstanceError)):
        obj.not_a_field = 1  # type: ignore[attr-defined]
    assert not hasattr(obj, "not_a_field")


@pytest.mark.parametrize("cls", [VirtualNumber, RedirectNumber, AvailableMobileNumber])
def test_models_are_attrs_frozen_classes(cls: type) -> None:
    assert attrs.has(cls)
    assert attrs.fields(cls).id.default is attrs.NOTHING


# ---------------------------------------------------------------------------
# defaults


def test_virtual_number_defaults() -> None:
    number = VirtualNumber(id=7)
    assert number.id == 7
    for name in VIRTUAL_NUMBER_FIELDS:
        if name in ("id", "from_redirect_numbers"):
            continue
        assert getattr(number, name) is None, name
    assert number.from_redirect_numbers == ()
    assert type(number.from_redirect_numbers) is tuple
    assert dict(number.extra) == {}


def test_virtual_number_field_names_match_the_api() -> None:
    assert set(VIRTUAL_NUMBER_FIELDS) == {
        "id",
        "number",
        "comment",
        "type",
        "purpose",
        "scenario_id",
        "group_scenario_id",
        "group_id",
        "is_scenario_active",
        "is_group_scenario_active",
        "state",
        "reason",
        "from_redirect_numbers",
        "employee_id",
        "redirect_number",
        "dgn_number",
        "region_name",
        "app_id",
        "nc_type",
        "sip_uri",
    }
    assert "extra" not in VIRTUAL_NUMBER_FIELDS
    assert "extra" in attrs.fields_dict(VirtualNumber)


def test_redirect_number_defaults() -> None:
    redirect = RedirectNumber(id=3)
    assert redirect.id == 3
    assert redirect.number is None


@pytest.mark.parametrize("cls", [VirtualNumber, RedirectNumber])
def test_id_is_required(cls: type) -> None:
    with pytest.raises(TypeError):
        cls()


def test_from_redirect_numbers_none_becomes_empty_tuple() -> None:
    number = VirtualNumber(id=1, from_redirect_numbers=None)  # type: ignore[arg-type]
    assert number.from_redirect_numbers == ()
    assert type(number.from_redirect_numbers) is tuple


def test_from_redirect_numbers_list_becomes_tuple() -> None:
    items = [RedirectNumber(id=1, number="1"), RedirectNumber(id=2)]
    number = VirtualNumber(id=1, from_redirect_numbers=items)  # type: ignore[arg-type]
    assert number.from_redirect_numbers == tuple(items)
    assert type(number.from_redirect_numbers) is tuple
    items.append(RedirectNumber(id=3))
    assert len(number.from_redirect_numbers) == 2


# ---------------------------------------------------------------------------
# extra


def test_extra_is_read_only_mapping_proxy() -> None:
    number = VirtualNumber(id=1, extra={"login": "user"})
    assert isinstance(number.extra, MappingProxyType)
    assert number.extra["login"] == "user"
    with pytest.raises(TypeError):
        number.extra["login"] = "other"  # type: ignore[index]
    with pytest.raises(TypeError):
        number.extra["new"] = 1  # type: ignore[index]
    with pytest.raises((TypeError, AttributeError)):
        del number.extra["login"]  # type: ignore[attr-defined]
    assert dict(number.extra) == {"login": "user"}


def test_default_extra_is_read_only() -> None:
    number = VirtualNumber(id=1)
    assert isinstance(number.extra, MappingProxyType)
    with pytest.raises(TypeError):
        number.extra["x"] = 1  # type: ignore[index]
    assert len(VirtualNumber(id=2).extra) == 0


def test_extra_is_copied_from_callers_dict() -> None:
    source = {"login": "user"}
    number = VirtualNumber(id=1, extra=source)
    source["login"] = "changed"
    source["added"] = "x"
    assert dict(number.extra) == {"login": "user"}


def test_extra_is_excluded_from_hash_and_models_are_hashable() -> None:
    plain = VirtualNumber(id=1, number="79201234567")
    with_unhashable_extra = VirtualNumber(
        id=1, number="79201234567", extra={"list": [1, 2], "obj": {"a": 1}}
    )
    assert hash(plain) == hash(with_unhashable_extra)
    assert isinstance(hash(RedirectNumber(id=1, number="x")), int)
    assert len({plain, VirtualNumber(id=1, number="79201234567")}) == 1


def test_models_with_redirects_are_hashable_and_equal() -> None:
    a = VirtualNumber(id=1, from_redirect_numbers=(RedirectNumber(id=2, number="3"),))
    b = VirtualNumber(id=1, from_redirect_numbers=[RedirectNumber(id=2, number="3")])  # type: ignore[arg-type]
    assert a == b
    assert hash(a) == hash(b)
    assert a != VirtualNumber(id=1)


def test_extra_takes_part_in_equality() -> None:
    assert VirtualNumber(id=1, extra={"a": 1}) == VirtualNumber(id=1, extra={"a": 1})
    assert VirtualNumber(id=1, extra={"a": 1}) != VirtualNumber(id=1, extra={"a": 2})


def test_repr_does_not_include_extra_secrets() -> None:
    number = VirtualNumber(
        id=1,
        number="79201234567",
        extra={"password": "s3cr3t-Pa55w0rd", "login": "sip-login-xyz"},
    )
    text = repr(number)
    assert "s3cr3t-Pa55w0rd" not in text
    assert "sip-login-xyz" not in text
    assert "password" not in text
    assert "extra" not in text
    assert "79201234567" in text
    assert "s3cr3t-Pa55w0rd" not in str(number)


def test_an_available_mobile_number_reads_an_empty_dgn_number_as_none() -> None:
    number = AvailableMobileNumber(id="79261234567", number="79261234567", dgn_number="")
    assert number.dgn_number is None
    assert AvailableMobileNumber(id="1", dgn_number="74951234567").dgn_number == "74951234567"
    assert number.state is None
    assert dict(number.extra) == {}
    assert State.ERROR.value == "error"
    assert State.ERROR.is_known


@pytest.mark.parametrize("copier", ["pickle", "copy", "deepcopy"])
def test_models_pickle_and_copy_with_extra(copier: str) -> None:
    import copy
    import pickle

    from virtnum import AvailableMobileNumber

    number = VirtualNumber(
        1,
        state=State("brand_new_state"),
        from_redirect_numbers=(RedirectNumber(2, "78001234567"),),
        extra={"new_field": [1, {"x": None}]},
    )
    mobile = AvailableMobileNumber("79261234567", "79261234567", "", State.FREEZE, extra={"k": 1})
    for model in (number, mobile, RedirectNumber(3)):
        if copier == "pickle":
            again = pickle.loads(pickle.dumps(model))
        else:
            again = getattr(copy, copier)(model)
        assert again == model
        assert getattr(again, "extra", {}) == getattr(model, "extra", {})
    assert pickle.loads(pickle.dumps(number)).state.value == "brand_new_state"
