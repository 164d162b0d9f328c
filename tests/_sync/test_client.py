"""The blocking Client: same behaviour as AsyncClient, on the calling thread's own loop
(a background portal thread only for calls made inside a running loop)."""

from __future__ import annotations

import gc
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest

from virtnum import Client, NotFoundError, VirtnumError, VirtualNumber
from virtnum._decode.structure import structure_one
from virtnum.testing import FakeServer

from .._support import TOKEN

T = TypeVar("T")


def portal_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "portal" in t.name]


def _drawn_lazily(server: FakeServer, start: Callable[[], Iterator[T]]) -> tuple[T, Iterator[T]]:
    """``start()``'s iterator sends nothing until its first item is drawn, then one request:
    returns that item and the iterator, now past it."""
    before = len(server.requests)
    items = start()
    assert len(server.requests) == before  # nothing sent until asked
    first = next(items)
    assert len(server.requests) == before + 1
    return first, items


def test_get_list_outbound_and_get_many(sync_client: Client, threaded_server: FakeServer) -> None:
    records = threaded_server.numbers
    assert sync_client.numbers.get(5) == structure_one(records[5], VirtualNumber)
    assert [n.id for n in sync_client.numbers.list()] == list(records)
    assert [n.id for n in sync_client.numbers.list(type="def")] == [
        r["id"] for r in records.values() if r["type"] == "def"
    ]
    outbound = sync_client.numbers.list_outbound()
    assert outbound
    assert all(n.state == "active" for n in outbound)
    assert [n.id for n in sync_client.numbers.get_many([4, 2, 9], concurrency=2)] == [4, 2, 9]


def test_errors_are_the_async_clients(sync_client: Client) -> None:
    with pytest.raises(NotFoundError):
        sync_client.numbers.get(4242)
    with pytest.raises(ValueError, match="id"):
        sync_client.numbers.get(0)


def test_iter_is_lazy_one_request_per_page(
    sync_client: Client, threaded_server: FakeServer
) -> None:
    first, items = _drawn_lazily(threaded_server, lambda: sync_client.numbers.iter(page_size=10))
    assert first.id == 1
    rest = list(items)
    assert [first.id] + [n.id for n in rest] == list(threaded_server.numbers)


def test_breaking_out_of_iter_stops_paging(
    sync_client: Client, threaded_server: FakeServer
) -> None:
    before = len(threaded_server.requests)
    for number in sync_client.numbers.iter(page_size=5):
        if number.id == 3:
            break
    gc.collect()
    assert len(threaded_server.requests) == before + 1


def test_pages_yields_lists_one_request_per_page(
    sync_client: Client, threaded_server: FakeServer
) -> None:
    first, pages = _drawn_lazily(threaded_server, lambda: sync_client.numbers.pages(page_size=20))
    assert [n.id for n in first] == list(range(1, 21))
    sent = len(threaded_server.requests)
    assert [len(page) for page in pages] == [20, 10]
    assert len(threaded_server.requests) == sent + 2


def test_pages_checks_its_arguments_when_called(sync_client: Client) -> None:
    with pytest.raises(ValueError, match="page_size"):
        sync_client.numbers.pages(page_size=0)


def test_eight_threads_share_one_client(sync_client: Client, threaded_server: FakeServer) -> None:
    ids = list(range(1, 51)) * 4
    with ThreadPoolExecutor(8) as pool:
        numbers = list(pool.map(sync_client.numbers.get, ids))
    assert [n.id for n in numbers] == ids
    assert numbers[7] == structure_one(threaded_server.numbers[8], VirtualNumber)


async def test_works_inside_a_running_event_loop(sync_client: Client) -> None:
    # A notebook cell runs inside a loop; the blocking call must not need that loop.
    assert sync_client.numbers.get(3).id == 3
    assert len(list(sync_client.numbers.iter(page_size=20))) == 50


def test_a_call_from_a_plain_thread_starts_no_thread(threaded_server: FakeServer) -> None:
    before = threading.active_count()
    with Client(TOKEN, base_url=threaded_server.url) as client:
        assert client.numbers.get(1).id == 1
        assert threading.active_count() == before


async def test_a_call_inside_a_running_loop_goes_to_a_background_thread(
    threaded_server: FakeServer,
) -> None:
    before = len(portal_threads())
    client = Client(TOKEN, base_url=threaded_server.url)
    assert client.numbers.get(1).id == 1
    assert len(portal_threads()) == before + 1
    client.close()
    assert len(portal_threads()) == before


def test_close_is_idempotent_and_final(threaded_server: FakeServer) -> None:
    client = Client(TOKEN, base_url=threaded_server.url)
    client.numbers.get(1)
    client.close()
    client.close()
    assert client.is_closed
    with pytest.raises(VirtnumError, match="closed"):
        client.numbers.get(1)


def test_a_forgotten_client_is_cleaned_up_without_warnings(threaded_server: FakeServer) -> None:
    before = len(portal_threads())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = Client(TOKEN, base_url=threaded_server.url)
        client.numbers.get(1)
        del client
        gc.collect()
    assert len(portal_threads()) == before
    assert not [w for w in caught if "nclosed" in str(w.message)]


def test_with_options_shares_the_thread(threaded_server: FakeServer) -> None:
    with Client(TOKEN, base_url=threaded_server.url) as client:
        threads = len(portal_threads())
        patient = client.with_options(max_retries=5, timeout=60)
        assert len(portal_threads()) == threads
        assert patient.numbers.get(2).id == 2
        patient.close()  # the copy does not own the thread or the session
        assert client.numbers.get(2).id == 2


def test_bad_arguments_fail_before_a_thread_starts() -> None:
    before = len(portal_threads())
    with pytest.raises(ValueError, match="max_retries"):
        Client(TOKEN, base_url="http://127.0.0.1:1", max_retries=-1)
    assert len(portal_threads()) == before


def test_a_callback_may_call_the_client(sync_client: Client) -> None:
    """``on_progress`` runs inside the calling thread's loop: its call goes elsewhere."""
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(sync_client.numbers.get(done).id)

    assert len(sync_client.numbers.get_many([1, 2], on_progress=progress)) == 2
    assert seen == [1, 2]


async def test_calling_back_into_the_client_from_its_background_loop_is_refused(
    sync_client: Client,
) -> None:
    seen: list[BaseException] = []

    def progress(done: int, total: int) -> None:
        try:
            sync_client.numbers.get(1)
        except VirtnumError as exc:
            seen.append(exc)

    assert len(sync_client.numbers.get_many([1, 2], on_progress=progress)) == 2
    assert len(seen) == 2
    assert "own event-loop thread" in str(seen[0])


def test_every_blocking_method_is_derived_from_its_async_twin(sync_client: Client) -> None:
    """Every public AsyncNumbers method has a blocking twin with the same parameters
    (names, kinds, defaults, annotations) and the same docstring."""
    import inspect

    from virtnum.resources import AsyncNumbers

    blocking, twin_of = type(sync_client.numbers), AsyncNumbers
    public = [n for n in vars(twin_of) if not n.startswith("_")]
    assert {"get", "iter", "pages"} <= set(public)
    for name in public:
        twin, method = getattr(twin_of, name), getattr(blocking, name)
        assert method.__wrapped__ is twin, name
        assert inspect.signature(method).parameters == inspect.signature(twin).parameters
        assert inspect.getdoc(method) == inspect.getdoc(twin), name
    returns = {
        name: inspect.signature(getattr(blocking, name)).return_annotation
        for name in ("iter", "pages")
    }
    assert returns == {"iter": "Iterator[VirtualNumber]", "pages": "Iterator[list[VirtualNumber]]"}


def test_blocking_methods_pass_keywords_through(sync_client: Client) -> None:
    numbers = sync_client.numbers.get_many([3, 4], concurrency=1, return_exceptions=True)
    assert [n.id for n in numbers] == [3, 4]  # type: ignore[union-attr]
    assert [n.id for n in sync_client.numbers.list(filter=None, state="active")]


def test_closing_while_threads_wait_gives_each_a_virtnum_error() -> None:
    """16 threads in slow calls when the client closes: each ends with a VirtnumError
    (not concurrent.futures.CancelledError), and later calls fail at once."""
    import concurrent.futures
    import threading

    from virtnum import VirtnumError
    from virtnum.testing import FakeServer
    from virtnum.testing.pytest_plugin import serving_in_thread

    from .._support import TOKEN

    with serving_in_thread(FakeServer(20, token=TOKEN)) as server:
        server.faults.delay(5.0)
        client = Client(TOKEN, base_url=server.url)
        started = threading.Barrier(17)

        def call(id: int) -> BaseException | None:
            started.wait()
            try:
                client.numbers.get(id)
            except BaseException as exc:
                return exc
            return None

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            outcomes = [pool.submit(call, i) for i in range(1, 17)]
            started.wait()
            deadline = time.monotonic() + 10
            while server.in_flight < 16 and time.monotonic() < deadline:
                time.sleep(0.01)
            client.close()
            errors = [future.result(timeout=30) for future in outcomes]
        assert all(type(error) is VirtnumError for error in errors), errors
        assert all("closed" in str(error) for error in errors)
        assert all(error.__context__ is None for error in errors if error is not None)
        with pytest.raises(VirtnumError, match="closed"):
            client.numbers.get(1)
