"""What a client and its ``with_options`` copies share: an aiohttp session per event
loop (made with the client's headers, connector and trace configs), the rate limit and
the overload limit."""

from __future__ import annotations

import functools

import aiohttp

from virtnum._http.body import ACCEPT_ENCODING
from virtnum._http.config import TransportConfig
from virtnum._http.connector import Connector
from virtnum._http.internals import no_reconnect
from virtnum._http.overload import AdaptiveLimit
from virtnum._http.ratelimit import TokenBucket
from virtnum._http.sessions import LoopSessions
from virtnum._http.stale import GuardedRequest, GuardedResponse

__all__ = ["Shared", "headers_for"]


class Shared:
    """What a client and its ``with_options`` copies share: a session per event loop,
    the rate limit and the overload limit."""

    def __init__(self, config: TransportConfig, session: aiohttp.ClientSession | None) -> None:
        self.sessions = LoopSessions(functools.partial(new_session, config), session)
        # sessions the transport makes carry its headers; a caller's gets them per request
        self.headers_in_session = session is None
        self.bucket = TokenBucket(config.rate_limit) if config.rate_limit else None
        self.limit = AdaptiveLimit(config.max_connections)


def new_session(config: TransportConfig) -> aiohttp.ClientSession:
    connector = Connector(limit=config.max_connections, ssl=config.ssl)
    # trust_env is the SDK's own (proxies only, see proxy); aiohttp's would read netrc
    session = aiohttp.ClientSession(
        connector=connector,
        headers=headers_for(config),
        trust_env=False,
        trace_configs=list(config.trace_configs) or None,
        # a connection with an answer nobody asked for is never written to (see stale)
        request_class=GuardedRequest,
        response_class=GuardedResponse,
    )
    no_reconnect(session)  # the retry loop resends, counted (see internals)
    return session


def headers_for(config: TransportConfig) -> dict[str, str]:
    return {
        "Accept-Encoding": ACCEPT_ENCODING,
        "Authorization": config.token,
        "Content-Type": "application/json; charset=UTF-8",
        "User-Agent": config.user_agent,
    }
