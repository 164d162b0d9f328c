"""How a failure is named: its request id and detail masked before they are cut short,
and a proxy's refusal in words."""

from __future__ import annotations

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from virtnum._http.failures import connection_failure, request_id_of
from virtnum._http.redact import Redactor, secret_forms

TOKEN = "tok-Q7-secret"
PROXY = URL("http://user:pw-Q7@127.0.0.1:3128")
NO_HEADERS: CIMultiDictProxy[str] = CIMultiDictProxy(CIMultiDict())


def test_a_request_id_is_masked_before_it_is_cut_short() -> None:
    headers = CIMultiDict({"X-Request-Id": "x" * 194 + TOKEN})
    shown = request_id_of(headers, secret_forms([TOKEN]))
    assert shown is not None
    assert "Q7" not in shown
    assert shown.startswith("x" * 194)


def test_a_detail_is_masked_before_it_is_cut_short() -> None:
    exc = aiohttp.ClientConnectionError("y" * 470 + TOKEN)
    error = connection_failure(exc, "GET", "https://api.example.test/x", Redactor(TOKEN))
    assert "Q7" not in error.detail
    assert len(error.detail) == 500


def test_a_proxys_refusal_is_named_by_its_status_only() -> None:
    for status, words in [(407, "the proxy refused its credentials (407)"), (502, "(502)")]:
        exc = aiohttp.ClientHttpProxyError(
            request_info=aiohttp.RequestInfo(PROXY, "CONNECT", NO_HEADERS, PROXY),
            history=(),
            status=status,
            message=f"echoing {TOKEN}",
        )
        redactor = Redactor(TOKEN, [str(PROXY)])
        error = connection_failure(exc, "GET", "https://api.example.test/x", redactor)
        assert words in str(error)
        assert words in error.reason
        assert "Q7" not in str(error)
        assert "http://user:***@127.0.0.1:3128" in error.detail
        assert "Q7" not in error.detail
