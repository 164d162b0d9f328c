"""Random requests against FakeServer: after every one, no 5xx and no text/plain, nothing
stored from a refusal, and every record the list serves has the documented types."""

from __future__ import annotations

import asyncio
import copy
import io
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import aiohttp
import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from virtnum.testing import FakeServer
from virtnum.testing._capacity import CAPACITY_PATH, synthetic_capacity

from .._support import TOKEN

PATH = "/numbers/virtual-number"
NUMBERS = 12
MAX_TARGET = 8000
EXAMPLES = 300
NoneType = type(None)

# The documented fields of a virtual number and their JSON types, plus what a SIP
# registration keeps of its edit (never its password).
_INT_OR_NULL = (int, NoneType)
_STR_OR_NULL = (str, NoneType)
_BOOL_OR_NULL = (bool, NoneType)
DOCUMENTED: dict[str, tuple[type, ...]] = {
    "id": (int,),
    "number": (str,),
    "comment": _STR_OR_NULL,
    "type": (str,),
    "purpose": (str,),
    "scenario_id": _INT_OR_NULL,
    "group_scenario_id": _INT_OR_NULL,
    "group_id": _INT_OR_NULL,
    "is_scenario_active": _BOOL_OR_NULL,
    "is_group_scenario_active": _BOOL_OR_NULL,
    "state": (str,),
    "reason": _STR_OR_NULL,
    "from_redirect_numbers": (list, NoneType),
    "employee_id": _INT_OR_NULL,
    "redirect_number": _STR_OR_NULL,
    "dgn_number": _STR_OR_NULL,
    "region_name": _STR_OR_NULL,
    "app_id": _INT_OR_NULL,
    "nc_type": _STR_OR_NULL,
    "sip_uri": _STR_OR_NULL,
    "login": (str,),
    "server_host": (str,),
    "server_port": (int,),
}
_IDS = ("id", "scenario_id", "group_scenario_id", "group_id", "employee_id", "app_id")


def assert_documented(record: dict[str, Any]) -> None:
    for field, value in record.items():
        assert field in DOCUMENTED, f"undocumented field {field!r} in {record}"
        kinds = DOCUMENTED[field]
        assert isinstance(value, kinds), (field, value)
        assert bool in kinds or not isinstance(value, bool), (field, value)  # 1 is not true
        if field in _IDS and value is not None:
            assert value > 0, (field, value)
    for field in ("number", "dgn_number"):
        value = record.get(field)
        assert value is None or (value.isascii() and value.isdigit()), (field, value)
    assert 1 <= record.get("server_port", 1) <= 65535
    for redirect in record.get("from_redirect_numbers") or []:
        assert type(redirect["id"]) is int
        assert isinstance(redirect["number"], str)


@attrs.frozen
class Step:
    method: str
    target: str  # path and query, percent-encoded
    body: bytes | None
    authorized: bool


FIELDS = [*DOCUMENTED, "password", "colour", ""]
CAPACITY = [record["number"] for record in synthetic_capacity(10)]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
plausible = st.sampled_from(
    [
        "company", "employee", "not_specified", "\u0441ompany", "def", "abc",
        "sip_registration", "", "x", "79201234567", "7495-111", "\u0661\u0662", 0, 1, 42,
        5060, 65535, 65536, -1, True, False, None, 1.0, [], {}, *CAPACITY,
    ]
)  # fmt: skip
values = st.one_of(plausible, json_values)
good_ids = st.integers(1, NUMBERS + 2).map(str)
ids = st.one_of(
    good_ids,
    good_ids,
    st.sampled_from(["0", "\u00b2", "\u0661", "\uff11", " 1", "1.0", "-1", "9" * 40, "9" * 5000]),
    st.text(max_size=6),
)
TEMPLATES: dict[str, dict[str, Any]] = {
    "update": {"purpose": "company", "comment": "note"},
    "sip": {
        "number": "74951112233",
        "login": "trunk",
        "password": "pw",
        "server_host": "sip.example",
        "server_port": 5060,
        "purpose": "company",
        "type": "sip_registration",
    },
    "mobile": {"number": CAPACITY[0], "dgn_number": "74951234567", "purpose": "company"},
}


@st.composite
def near_valid_bodies(draw: st.DrawFn, kind: str, path_id: str = "") -> bytes:
    """A valid body of the ``kind`` of write, often with a field replaced, added or
    removed."""
    body = dict(TEMPLATES[kind])
    if kind == "update" and path_id.isascii() and path_id.isdigit() and len(path_id) < 10:
        body["id"] = int(path_id)
    if kind == "mobile":
        body.update(type="def", number=draw(st.sampled_from(CAPACITY)))
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        field = draw(st.sampled_from(FIELDS))
        if draw(st.booleans()):
            body.pop(field, None)
        else:
            body[field] = draw(values)
    return json.dumps(body).encode()


def _query(pairs: Sequence[tuple[str, str]], garbage: str) -> str:
    text = "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)
    return ("?" + text + garbage) if pairs or garbage else ""


keys = st.one_of(
    st.sampled_from([*FIELDS, "_sort", "_order", "_page", "_limit"]),
    st.builds("{}__{}".format, st.sampled_from(FIELDS), st.sampled_from(["ne", "gt", "", "x"])),
    st.text(max_size=8),
)
query_values = st.one_of(
    st.sampled_from([*FIELDS, "asc", "desc", "0", "1", "-1", "\uff11", "9" * 5000, "true"]),
    st.text(max_size=8),
)
queries = st.builds(
    _query,
    st.lists(st.tuples(keys, query_values), max_size=4),
    st.sampled_from(["", "", "&%ZZ=%FF", "&=&&", "&_sort", "%"]),
)


# Any method the HTTP parser knows (one it does not never reaches the fake: aiohttp
# answers it), on any path.
METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS"]
PATHS = [
    PATH, "/numbers/unconfirmed", CAPACITY_PATH, PATH + "/{id}", PATH + "/{id}/",
    "//numbers/virtual-number", "/", "/numbers", PATH + "/%ZZ", "/{id}", PATH + "/{id}/x",
]  # fmt: skip
ANY_BODY = st.one_of(
    st.none(),
    st.sampled_from(list(TEMPLATES)).flatmap(near_valid_bodies),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=40),
)


@st.composite
def steps(draw: st.DrawFn) -> Step:
    """Mostly the API's own calls with near-valid bodies, else anything at all."""
    path_id = draw(ids)
    item = PATH + "/" + quote(path_id, safe="")
    method, path, body = draw(
        st.one_of(
            st.tuples(st.just("PUT"), st.just(item), near_valid_bodies("update", path_id)),
            st.tuples(st.just("POST"), st.just(PATH), near_valid_bodies("sip")),
            st.tuples(
                st.just("POST"), st.just("/numbers/unconfirmed"), near_valid_bodies("mobile")
            ),
            st.tuples(st.sampled_from(["GET", "DELETE"]), st.just(item), st.none()),
            st.tuples(st.just("GET"), st.just(PATH), st.none()),
            st.tuples(
                st.sampled_from(METHODS),
                st.sampled_from(PATHS).map(lambda p: p.replace("{id}", quote(path_id, safe=""))),
                ANY_BODY,
            ),
        )
    )
    # aiohttp's HTTP parser answers a request line over 8 KiB itself, before the fake
    target = (path + draw(queries))[:MAX_TARGET]
    return Step(method, target, body, draw(st.sampled_from([True] * 9 + [False])))


def _state(server: FakeServer) -> Any:
    return copy.deepcopy((server.numbers, server.secrets, server.capacity.available))


async def _send(
    session: aiohttp.ClientSession, server: FakeServer, step: Step
) -> tuple[int, str, bytes]:
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    if step.authorized:
        headers["Authorization"] = TOKEN
    data = None if step.body is None else io.BytesIO(step.body)
    async with session.request(
        step.method, URL(server.url + step.target, encoded=True), data=data, headers=headers
    ) as response:
        return response.status, response.content_type, await response.read()


async def _run(steps: Sequence[Step]) -> None:
    async with (
        FakeServer(NUMBERS, token=TOKEN, activation_delay=None) as server,
        aiohttp.ClientSession() as session,
    ):
        for step in steps:
            before = _state(server)
            status, content_type, raw = await _send(session, server, step)
            where = f"{step.method} {step.target[:200]} body={step.body!r:.200}"
            assert status < 500, f"{where}: {status} {raw[:300]!r}"
            assert content_type == "application/json", f"{where}: {content_type}"
            if step.method != "HEAD":
                answer = json.loads(raw)
                assert status < 400 or "error" in answer, where
            if status >= 400:
                assert _state(server) == before, f"{where}: a refusal changed the store"
            list_status, _, listed = await _send(session, server, Step("GET", PATH, None, True))
            assert list_status == 200
            records = json.loads(listed)
            assert [r["id"] for r in records] == list(server.numbers)
            for record in records:
                assert_documented(record)
            assert not any("password" in record for record in records)


def test_random_requests_never_break_the_fake_server() -> None:
    with asyncio.Runner() as runner:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(st.lists(steps(), min_size=1, max_size=6))
        def run(sequence: list[Step]) -> None:
            runner.run(_run(sequence))

        run()
