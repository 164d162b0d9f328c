"""Hypothesis strategies shared by tests: seed-shaped records, right and wrong."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from virtnum import VirtualNumber

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
# A few unknown names, so the decoder's bound on learned keys is never what is tested.
UNKNOWN_KEYS = st.sampled_from(["extra", "password", "login", "k0", "", "a-b", "новое", "x`y"])
ENUM_VALUES = st.sampled_from(
    ["def", "abc", "active", "company", "\u0441ompany", "employee", "brand_new", "freeze"]
)


def _field_value(name: str, wrong: bool) -> st.SearchStrategy[Any]:
    if name == "id":
        good: st.SearchStrategy[Any] = st.integers(min_value=1, max_value=2**40)
    elif name in ("type", "purpose", "state"):
        good = ENUM_VALUES
    elif name in ("is_scenario_active", "is_group_scenario_active"):
        good = st.booleans()
    elif name.endswith("_id"):
        good = st.integers(min_value=-5, max_value=2**40)
    elif name == "from_redirect_numbers":
        odd = SCALARS if wrong else st.nothing()
        redirect = st.fixed_dictionaries(
            {"id": st.integers(min_value=1, max_value=999) | odd},
            optional={"number": st.text(max_size=11) | st.none() | odd, "junk": SCALARS},
        )
        good = st.lists(redirect, max_size=3)
    else:
        good = st.text(max_size=12)
    if wrong:
        return st.one_of(good, good, st.none(), ANY_JSON)
    return good if name == "id" else st.one_of(good, st.none())


@st.composite
def records(draw: st.DrawFn, wrong: bool = True) -> dict[str, Any]:
    """A seed-shaped record: fields missing, null, right (and when ``wrong``, sometimes of
    a wrong type); unknown keys sometimes."""
    names = [a for a in VirtualNumber.__attrs_attrs__ if a.name != "extra"]
    record: dict[str, Any] = {}
    for attribute in names:
        if attribute.name == "id" or draw(st.booleans()):
            record[attribute.name] = draw(_field_value(attribute.name, wrong))
    for key in draw(st.lists(UNKNOWN_KEYS, max_size=2)):
        record[key] = draw(ANY_JSON)
    return record
