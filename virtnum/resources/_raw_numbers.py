"""``AsyncClient.with_raw_response.numbers``: each method that makes one request,
returning a ``RawResponse`` (``get_many``, ``iter`` and ``wait_for_state`` make many)."""

from __future__ import annotations

from virtnum.resources._raw import RawResource, raw
from virtnum.resources.numbers import AsyncNumbers

__all__ = ["RawNumbers"]


class RawNumbers(RawResource[AsyncNumbers]):
    """``AsyncClient.with_raw_response.numbers``."""

    get = raw(AsyncNumbers.get)
    list = raw(AsyncNumbers.list)
    list_outbound = raw(AsyncNumbers.list_outbound)
    list_available_mobile = raw(AsyncNumbers.list_available_mobile)
    update = raw(AsyncNumbers.update)
    add_sip_registration = raw(AsyncNumbers.add_sip_registration)
    add_mobile = raw(AsyncNumbers.add_mobile)
    delete = raw(AsyncNumbers.delete)
