"""Bad caller input is refused before any request reaches the wire.

One table: each row is a call that must raise ``ValueError`` (a wrong value) or
``InvalidArgumentTypeError`` (a wrong type; both ``TypeError`` and ``ValueError``), with
a message that names the offending argument, while the FakeServer records nothing.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable
from typing import Any

import pytest

from virtnum import AsyncClient, Filter, InvalidArgumentTypeError, NotFoundError
from virtnum.testing import FakeServer

from ._support import TOKEN

# What a row expects: a plain ValueError (the value is wrong), an InvalidArgumentTypeError
# (the type is wrong), or a TypeError that need not also be a ValueError.
VALUE = "value"
TYPE = "type"
PLAIN_TYPE = "plain TypeError"

Call = Callable[[AsyncClient, str], Any]

#: An int Python refuses to print (past its 4,300-digit limit): it cannot be a path.
UNPRINTABLE = 10**5000


def case(call: Call, expect: str, name: str, *, id: str) -> Any:
    return pytest.param(call, expect, name, id=id)


def construct(**options: Any) -> Call:
    """A row that builds an AsyncClient with ``options`` over valid defaults."""

    def call(_: AsyncClient, url: str) -> Any:
        kwargs: dict[str, Any] = {"token": TOKEN, "base_url": url, **options}
        return AsyncClient(kwargs.pop("token"), **kwargs)

    return call


CASES = [
    # --- numbers.get(id): a positive int and nothing else can reach the path
    case(lambda c, _: c.numbers.get(0), VALUE, "id", id="get-zero"),
    case(lambda c, _: c.numbers.get(-1), VALUE, "id", id="get-negative"),
    case(lambda c, _: c.numbers.get(True), TYPE, "id", id="get-true"),
    case(lambda c, _: c.numbers.get(False), TYPE, "id", id="get-false"),
    case(lambda c, _: c.numbers.get(1.0), TYPE, "id", id="get-float"),
    case(lambda c, _: c.numbers.get("1"), TYPE, "id", id="get-digit-string"),
    case(lambda c, _: c.numbers.get("1/../employee"), TYPE, "id", id="get-path-traversal"),
    case(lambda c, _: c.numbers.get(None), TYPE, "id", id="get-none"),
    case(lambda c, _: c.numbers.get(UNPRINTABLE), VALUE, "id", id="get-unprintable"),
    case(lambda c, _: c.numbers.get(-UNPRINTABLE), VALUE, "id", id="get-unprintable-negative"),
    case(lambda c, _: c.numbers.delete(UNPRINTABLE), VALUE, "id", id="delete-unprintable"),
    case(
        lambda c, _: c.numbers.update(UNPRINTABLE, comment="x"),
        VALUE,
        "id",
        id="update-unprintable",
    ),
    case(
        lambda c, _: c.numbers.update(1, purpose="employee", employee_id=UNPRINTABLE),
        VALUE,
        "employee_id",
        id="update-unprintable-employee_id",
    ),
    case(
        lambda c, _: c.numbers.wait_for_state(UNPRINTABLE, "active"),
        VALUE,
        "id",
        id="wait_for_state-unprintable",
    ),
    # --- numbers.get_many(ids, concurrency=...)
    case(lambda c, _: c.numbers.get_many([1, 2, 0]), VALUE, "ids[2]", id="get_many-zero-id"),
    case(lambda c, _: c.numbers.get_many([1, "3"]), TYPE, "ids[1]", id="get_many-str-id"),
    case(lambda c, _: c.numbers.get_many([True, 1]), TYPE, "ids[0]", id="get_many-bool-id"),
    case(lambda c, _: c.numbers.get_many("123"), TYPE, "ids", id="get_many-ids-is-str"),
    case(
        lambda c, _: c.numbers.get_many([1, 2, 3, 4, 5, 6, UNPRINTABLE], concurrency=1),
        VALUE,
        "ids[6]",
        id="get_many-unprintable-id",
    ),
    case(
        lambda c, _: c.numbers.get_many([1], concurrency=-UNPRINTABLE),
        VALUE,
        "concurrency",
        id="conc-unprintable-negative",
    ),
    case(lambda c, _: c.numbers.get_many([1], concurrency=0), VALUE, "concurrency", id="conc-zero"),
    case(lambda c, _: c.numbers.get_many([1], concurrency=-3), VALUE, "concurrency", id="conc-neg"),
    case(
        lambda c, _: c.numbers.get_many([1], concurrency=1.5), TYPE, "concurrency", id="conc-float"
    ),
    case(
        lambda c, _: c.numbers.get_many([1], concurrency=True), TYPE, "concurrency", id="conc-bool"
    ),
    # --- iter / pages(page_size=...): checked when the iterator is made
    case(lambda c, _: c.numbers.iter(page_size=0), VALUE, "page_size", id="iter-page_size-zero"),
    case(lambda c, _: c.numbers.pages(page_size=-1), VALUE, "page_size", id="pages-page_size-neg"),
    case(lambda c, _: c.numbers.iter(page_size="10"), TYPE, "page_size", id="iter-page_size-str"),
    case(
        lambda c, _: c.numbers.pages(page_size=UNPRINTABLE),
        VALUE,
        "page_size",
        id="pages-page_size-unprintable",
    ),
    # --- numbers.list(**where): fields, operators and kinds of value
    case(lambda c, _: c.numbers.list(colour="red"), VALUE, "colour", id="list-unknown-field"),
    case(lambda c, _: c.numbers.list(type__gt="def"), VALUE, "type__gt", id="list-op-gt"),
    case(lambda c, _: c.numbers.list(state__in="active"), VALUE, "state__in", id="list-op-in"),
    case(lambda c, _: c.numbers.list(state=None), VALUE, "state", id="list-none-value"),
    case(lambda c, _: c.numbers.list(type=[]), VALUE, "type", id="list-empty-list"),
    case(lambda c, _: c.numbers.list(type=()), VALUE, "type", id="list-empty-tuple"),
    case(lambda c, _: c.numbers.list(type=[["def"]]), TYPE, "type", id="list-nested-list"),
    case(lambda c, _: c.numbers.list(type={"def": 1}), TYPE, "type", id="list-dict-value"),
    case(lambda c, _: c.numbers.list(id="5"), TYPE, "id", id="list-id-str"),
    case(lambda c, _: c.numbers.list(group_id=True), TYPE, "group_id", id="list-group_id-bool"),
    case(
        lambda c, _: c.numbers.list(is_scenario_active="true"),
        TYPE,
        "is_scenario_active",
        id="list-bool-field-str",
    ),
    case(lambda c, _: c.numbers.list(number=79267053890), TYPE, "number", id="list-number-int"),
    case(
        lambda c, _: c.numbers.list(from_redirect_numbers="74991234567"),
        VALUE,
        "from_redirect_numbers",
        id="list-list-field",
    ),
    case(lambda c, _: c.numbers.list(extra="x"), VALUE, "extra", id="list-extra"),
    case(lambda c, _: c.numbers.list(filter=42), PLAIN_TYPE, "filter", id="list-filter-int"),
    # --- Filter
    case(lambda c, _: Filter.parse("_page=2"), VALUE, "_page", id="parse-paging"),
    case(lambda c, _: Filter.parse("id=abc"), VALUE, "id", id="parse-id-not-int"),
    case(lambda c, _: Filter().order_by("nope"), VALUE, "nope", id="order_by-unknown"),
    case(lambda c, _: Filter().order_by(5), TYPE, "order_by", id="order_by-int"),
    # --- AsyncClient(...) construction
    case(
        construct(base_url="simple-api.cp.megafon.ru"), VALUE, "base_url", id="base_url-no-scheme"
    ),
    case(construct(base_url="ftp://x"), VALUE, "base_url", id="base_url-ftp"),
    case(construct(base_url=""), VALUE, "base_url", id="base_url-empty"),
    case(construct(base_url="  \t"), VALUE, "base_url", id="base_url-blank"),
    case(construct(base_url="http://example.com"), VALUE, "base_url", id="base_url-plain-http"),
    case(construct(base_url="https://user:pw@host"), VALUE, "base_url", id="base_url-creds"),
    case(construct(base_url="https://h/?a=1"), VALUE, "base_url", id="base_url-query"),
    case(construct(token=""), VALUE, "token", id="token-empty"),
    case(construct(token="   "), VALUE, "token", id="token-blank"),
    case(construct(token="a\nb"), VALUE, "token", id="token-newline"),
    case(construct(token=123), TYPE, "token", id="token-int"),
    case(construct(max_retries=-1), VALUE, "max_retries", id="max_retries-neg"),
    case(construct(max_retries="2"), TYPE, "max_retries", id="max_retries-str"),
    case(construct(timeout=0), VALUE, "timeout", id="timeout-zero"),
    case(construct(timeout=-5), VALUE, "timeout", id="timeout-neg"),
    case(construct(timeout="30"), TYPE, "timeout", id="timeout-str"),
    case(construct(timeout=math.inf), VALUE, "timeout", id="timeout-inf"),
    case(construct(timeout=math.nan), VALUE, "timeout", id="timeout-nan"),
    case(construct(connect_timeout=-1), VALUE, "connect_timeout", id="connect_timeout-neg"),
    case(construct(max_connections=0), VALUE, "max_connections", id="max_connections-zero"),
    # --- with_options(...) checks the same way
    case(lambda c, _: c.with_options(max_retries=-1), VALUE, "max_retries", id="with_opts-retries"),
    case(lambda c, _: c.with_options(timeout=0), VALUE, "timeout", id="with_options-timeout"),
]


def names(message: str, name: str) -> bool:
    """Whether ``message`` mentions ``name`` as a whole word (``id`` is not in ``ids``)."""
    return re.search(rf"(?<![\w\[.]){re.escape(name)}(?![\w\[])", message) is not None


@pytest.mark.parametrize(("call", "expect", "name"), CASES)
async def test_bad_input_is_refused_before_any_request(
    server: FakeServer, client: AsyncClient, call: Call, expect: str, name: str
) -> None:
    assert server.requests == []
    with pytest.raises((TypeError, ValueError)) as info:
        result = call(client, server.url)
        if inspect.isawaitable(result):
            await result
    error = info.value
    if expect == VALUE:
        assert type(error) is ValueError, f"a wrong value should be a ValueError: {error!r}"
    elif expect == TYPE:
        assert isinstance(error, InvalidArgumentTypeError), repr(error)
        assert isinstance(error, TypeError)
        assert isinstance(error, ValueError)
    else:
        assert isinstance(error, TypeError), repr(error)
    assert names(str(error), name), f"the message should name {name!r}: {error}"
    assert server.requests == [], "bad input must never reach the server"


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 35
    ids = [param.id for param in CASES]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("bad", "secret"),
    [("a\nb", "a\nb"), ("tok\x7fen", "tok\x7fen"), ("https://user:pw-x1@host", "pw-x1")],
)
def test_messages_do_not_repeat_secrets(bad: str, secret: str) -> None:
    options = {"base_url": bad} if bad.startswith("https") else {"token": bad}
    kwargs: dict[str, Any] = {"token": TOKEN, "base_url": "https://h", **options}
    with pytest.raises(ValueError, match=r"token|base_url") as info:
        AsyncClient(kwargs.pop("token"), **kwargs)
    assert secret not in str(info.value)
    assert secret not in repr(info.value)


# --- positive controls: what must be accepted


def test_names_matcher_is_strict() -> None:
    assert names("id must be a positive int", "id")
    assert not names("ids[2] must be a positive int", "id")
    assert names("ids[2] must be a positive int", "ids[2]")
    assert not names("connect_timeout must be positive", "timeout")


@pytest.mark.parametrize("url", ["http://127.0.0.1", "http://localhost", "http://[::1]"])
async def test_plain_http_to_loopback_is_accepted(url: str) -> None:
    client = AsyncClient(TOKEN, base_url=url + ":8080/")
    try:
        assert client.base_url == url + ":8080"
    finally:
        await client.close()


async def test_plain_http_elsewhere_needs_the_opt_in() -> None:
    client = AsyncClient(TOKEN, base_url="http://example.com", allow_insecure_http=True)
    try:
        assert client.base_url == "http://example.com"
    finally:
        await client.close()


async def test_no_timeout_is_accepted(server: FakeServer) -> None:
    async with AsyncClient(TOKEN, base_url=server.url, timeout=None) as client:
        assert client.timeout.total is None
        number = await client.numbers.get(1)
    assert number.id == 1
    assert len(server.requests) == 1


async def test_a_huge_id_is_a_valid_id(client: AsyncClient, server: FakeServer) -> None:
    with pytest.raises(NotFoundError):
        await client.numbers.get(2**80)
    assert [r.path for r in server.requests] == [f"/numbers/virtual-number/{2**80}"]


async def test_good_input_does_reach_the_server(client: AsyncClient, server: FakeServer) -> None:
    """The control for the table: the same calls with good input are sent."""
    await client.numbers.get(1)
    await client.numbers.get_many([1, 2], concurrency=1)
    await client.numbers.list(type=["def", "abc"], group_id=7, is_scenario_active=True)
    assert [p async for p in client.numbers.pages(page_size=10)]
    assert len(server.requests) >= 5
