"""Which redirects the transport may follow: same origin only, and only well-formed ones.

A ``Location`` comes from the server (or a proxy), so anything odd in it (credentials,
another scheme or host, a port out of range, a broken IPv6 literal) means "do not
follow": the 3xx is then reported as it is, and the token never leaves for elsewhere.
"""

from __future__ import annotations

from yarl import URL

__all__ = ["same_origin_target"]


def same_origin_target(current: URL, location: str) -> URL | None:
    """The absolute URL ``location`` points to from ``current``, if it is safe to follow."""
    try:
        target = current.join(URL(location))
        port = target.port
        host = target.host
    except (ValueError, TypeError):
        return None
    if target.scheme not in ("http", "https") or not host:
        return None
    if target.user is not None or target.password is not None:
        return None
    if port is None or not 1 <= port <= 65535:
        return None
    try:
        same = target.origin() == current.origin()
    except ValueError:
        return None
    return target if same else None
