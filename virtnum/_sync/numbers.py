"""Blocking ``client.numbers`` and ``client.with_raw_response.numbers``: each method is
its async twin's, run through the client's bridge."""

from __future__ import annotations

from virtnum._sync.bridge import BlockingResource, blocking, blocking_iter, blocking_pages
from virtnum.resources._raw import RawResource
from virtnum.resources._raw_numbers import RawNumbers
from virtnum.resources.numbers import AsyncNumbers

__all__ = ["BlockingRawNumbers", "Numbers"]


class Numbers(BlockingResource[AsyncNumbers]):
    """Blocking ``client.numbers``: each method is its ``AsyncNumbers`` twin, run on the
    calling thread's own loop (``on_progress`` of ``get_many`` is called there), or on
    the background loop for a call made inside a running loop."""

    get = blocking(AsyncNumbers.get)
    list = blocking(AsyncNumbers.list)
    pages = blocking_pages(AsyncNumbers.pages)
    iter = blocking_iter(AsyncNumbers.iter, AsyncNumbers.pages)
    list_outbound = blocking(AsyncNumbers.list_outbound)
    get_many = blocking(AsyncNumbers.get_many)
    update = blocking(AsyncNumbers.update)
    add_sip_registration = blocking(AsyncNumbers.add_sip_registration)
    add_mobile = blocking(AsyncNumbers.add_mobile)
    delete = blocking(AsyncNumbers.delete)
    list_available_mobile = blocking(AsyncNumbers.list_available_mobile)
    wait_for_state = blocking(AsyncNumbers.wait_for_state)


class BlockingRawNumbers(BlockingResource[RawResource[AsyncNumbers]]):
    """Blocking ``client.with_raw_response.numbers``."""

    get = blocking(RawNumbers.get)
    list = blocking(RawNumbers.list)
    list_outbound = blocking(RawNumbers.list_outbound)
    list_available_mobile = blocking(RawNumbers.list_available_mobile)
    update = blocking(RawNumbers.update)
    add_sip_registration = blocking(RawNumbers.add_sip_registration)
    add_mobile = blocking(RawNumbers.add_mobile)
    delete = blocking(RawNumbers.delete)
