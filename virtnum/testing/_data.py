"""Synthetic virtual numbers shaped like the documents' examples, reproducible by seed."""

from __future__ import annotations

import random
from typing import Any

__all__ = ["synthetic_numbers"]

_REGIONS = (
    "Московская область",
    "регион Москва",
    "Брянская область",
    "Санкт-Петербург",
    "Новосибирская область",
)
_TYPES = ("def", "def", "def", "abc", "abc", "sip_registration", "sip_redirection", "toll_free")
_PURPOSES = ("company", "company", "employee", "not_specified")
_STATES = ("active", "active", "active", "active", "activation", "debt_lock", "freeze")


def _phone(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice("0123456789") for _ in range(11 - len(prefix)))


def synthetic_numbers(count: int, *, seed: int = 0, first_id: int = 1) -> list[dict[str, Any]]:
    """``count`` records as the API returns them, ids ``first_id`` upward."""
    rng = random.Random(seed)
    records = []
    for offset in range(count):
        number_id = first_id + offset
        kind = rng.choice(_TYPES)
        purpose = rng.choice(_PURPOSES)
        scenario = rng.randrange(100, 1000) if rng.random() < 0.6 else None
        redirects = [
            {"id": rng.randrange(1, 10_000), "number": _phone(rng, "7499")}
            for _ in range(rng.choice((0, 1, 1, 2)))
        ]
        records.append(
            {
                "number": _phone(rng, "79" if kind == "def" else "7495"),
                "comment": rng.choice((None, "Заметка", "reception", "sales line")),
                "type": kind,
                "purpose": purpose,
                "scenario_id": scenario,
                "group_scenario_id": None,
                "group_id": rng.choice((None, None, 7, 12)),
                "is_scenario_active": (rng.random() < 0.8) if scenario else None,
                "is_group_scenario_active": None,
                "id": number_id,
                "state": rng.choice(_STATES),
                "reason": None,
                "from_redirect_numbers": redirects,
                "employee_id": rng.randrange(100, 200) if purpose == "employee" else None,
                "redirect_number": redirects[0]["number"] if redirects else None,
                "dgn_number": _phone(rng, "7499") if kind == "def" else None,
                "region_name": rng.choice(_REGIONS),
                "app_id": 1200054,
                "nc_type": rng.choice(("custom", "custom+fmc")),
                "sip_uri": f"sip:{number_id}@pbx.example" if kind == "sip_redirection" else None,
            }
        )
    return records
