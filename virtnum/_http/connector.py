"""The sessions' connector: a call waiting for a pooled connection when its client
closes ends with a connection error, not a ``CancelledError`` nobody asked for.

aiohttp's ``close()`` cancels the futures that calls waiting for a free connection (or a
DNS answer) sleep on; that cancellation would leave the call as a bare
``CancelledError``. Here it becomes a ``ClientConnectorError`` (the request never left),
which the transport turns into a typed error like any failed connection. A cancel of
the caller's own task (``task.cancelling()``) still goes up as it came.
"""

from __future__ import annotations

import asyncio
import errno

import aiohttp
from aiohttp.client_reqrep import ClientRequest
from aiohttp.connector import Connection
from aiohttp.tracing import Trace

__all__ = ["CLOSED_WHILE_WAITING", "Connector"]

CLOSED_WHILE_WAITING = "the client was closed while this call waited for a connection"


class Connector(aiohttp.TCPConnector):
    """A ``TCPConnector`` whose waiting calls end with an error when it closes."""

    async def connect(
        self,
        req: ClientRequest,
        traces: list[Trace],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109 - aiohttp's signature
    ) -> Connection:
        try:
            return await super().connect(req, traces, timeout)
        except (asyncio.CancelledError, aiohttp.ClientConnectionError) as exc:
            task = asyncio.current_task()
            own_cancel = task is not None and task.cancelling() > 0
            if not self.closed or own_cancel or isinstance(exc, aiohttp.ClientConnectorError):
                raise
        # raised outside the except block: no CancelledError chained to it
        raise aiohttp.ClientConnectorError(
            req.connection_key, OSError(errno.ECANCELED, CLOSED_WHILE_WAITING)
        )
