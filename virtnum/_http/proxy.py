"""Proxies from the environment (``trust_env=True``), without aiohttp's netrc lookup.

aiohttp's own ``trust_env`` also reads ``~/.netrc`` and then refuses every request that
carries an ``Authorization`` header (the API's token) for a host listed there; the SDK
always sends its own header, so it reads only the proxy variables, with ``NO_PROXY``.
A variable that is no usable proxy URL is refused with a ValueError that never repeats
it (aiohttp's own errors would show its password).
"""

from __future__ import annotations

import urllib.request

from yarl import URL

from virtnum._validate import proxy_problem

__all__ = ["EnvProxies"]


class EnvProxies:
    """``HTTP(S)_PROXY``/``NO_PROXY`` as read when the client was configured."""

    def __init__(self, trust_env: bool) -> None:
        self._proxies = urllib.request.getproxies_environment() if trust_env else {}
        self._problems = {
            scheme: problem
            for scheme, proxy in self._proxies.items()
            if scheme != "no" and (problem := proxy_problem(proxy))
        }

    def __bool__(self) -> bool:
        return bool(self._proxies)

    def urls(self) -> list[str]:
        """Every proxy URL of the environment (for the redactor: their passwords)."""
        return [proxy for scheme, proxy in self._proxies.items() if scheme != "no"]

    def for_url(self, url: URL) -> str | None:
        """The proxy URL to use for ``url``, or None to connect directly."""
        if not self._proxies:
            return None
        proxy = self._proxies.get(url.scheme)
        # proxy_bypass_environment is in urllib.request but not in its type stubs
        bypass = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009
        if not proxy or bypass(url.host or "", self._proxies):
            return None
        problem = self._problems.get(url.scheme)
        if problem:
            name = f"{url.scheme.upper()}_PROXY"
            raise ValueError(f"the proxy of the environment ({name}) {problem}")
        return str(proxy)
