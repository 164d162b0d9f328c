"""A pooled connection that received bytes while no request waited on it is never reused.

aiohttp 3.14.x keeps parsing a keep-alive connection while it sits idle in the pool,
queues a response that arrives there, and hands it to the next request sent on that
connection as that request's answer (upstream aiohttp issue 13656; checked against
3.14.5). The sessions the transport makes use ``GuardedRequest`` (aiohttp's documented
``request_class``), which looks at the connection just before writing: one with a
queued answer or marked to close is closed, and the request fails as *not sent*
(``StaleConnection``), which the retry rules may resend, a POST included. Remove this
module when aiohttp re-checks pooled connections itself. ``GuardedResponse`` keeps the
connection an answer came on, so a caller that finds the answer is not its own
(``Payload.distrust``) can have that connection closed once it is free.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

import aiohttp
from aiohttp.client_proto import ResponseHandler
from aiohttp.connector import Connection

from virtnum._http.failures import STALE_CONNECTION

__all__ = ["GuardedRequest", "GuardedResponse", "StaleConnection"]


class StaleConnection(aiohttp.ClientConnectionError):
    """The connection picked for a request was discarded before anything was written."""


class GuardedRequest(aiohttp.ClientRequest):
    """A request that refuses to be written on a connection with an answer waiting."""

    # a plain def returning aiohttp's coroutine: no extra coroutine frame per request
    def send(self, conn: Connection) -> Coroutine[Any, Any, aiohttp.ClientResponse]:
        protocol = conn.protocol
        # len(): the answers queued (aiohttp's DataQueue); should_close: a half-read one,
        # or a connection that Payload.distrust marked
        if protocol is not None and (len(protocol) or protocol.should_close):
            conn.close()
            raise StaleConnection(STALE_CONNECTION)
        return super().send(conn)


class GuardedResponse(aiohttp.ClientResponse):
    """A response that remembers the connection it was read from."""

    carrier: ResponseHandler | None = None

    def start(self, connection: Connection) -> Coroutine[Any, Any, aiohttp.ClientResponse]:
        self.carrier = connection.protocol
        return super().start(connection)
