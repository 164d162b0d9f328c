"""The blocking ``Client``: AsyncClient's coroutines run on the calling thread's own
event loop (``own_loop``), or, from inside a running loop, on a background loop
(``background``); ``shared`` holds both per process, ``fork`` what a fork resets,
``bridge`` and ``numbers`` the resource methods derived from the async ones."""

from virtnum._sync.client import Client

__all__ = ["Client"]
