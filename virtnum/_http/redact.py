"""Cutting secrets (the token, a password) out of what a server sends back before it
reaches an error, a log line or a hook: a proxy's error page may echo the request."""

from __future__ import annotations

import json
from collections.abc import Sequence

__all__ = ["SNIPPET", "Redactor", "redacted", "snippet"]

SNIPPET = 500  # characters of a body kept in an error


class Redactor:
    """Knows the client's token; each call may add the secrets of one request."""

    def __init__(self, token: str) -> None:
        self._token_forms = _forms((token,))

    def forms(self, extra: Sequence[str] = ()) -> list[str]:
        """Each secret as sent, and as a JSON string escapes it (a body is usually JSON)."""
        return self._token_forms + _forms(extra) if extra else self._token_forms

    def text(self, value: str, extra: Sequence[str] = ()) -> str:
        return redacted(value, self.forms(extra))

    def snippet(self, raw: bytes, extra: Sequence[str] = ()) -> str:
        """``snippet`` of ``raw`` without the token and ``extra``."""
        return snippet(raw, self.forms(extra))


def _forms(secrets: Sequence[str]) -> list[str]:
    return [form for secret in secrets for form in (secret, json.dumps(secret)[1:-1]) if form]


def snippet(raw: bytes, forms: Sequence[str]) -> str:
    """The start of a body as text, secrets cut out before it is cut short (so a secret
    straddling the cut cannot half-survive); only the prefix that can reach the snippet
    is decoded (at most 4 bytes a character)."""
    longest = max(map(len, forms), default=0)
    text = raw[: (SNIPPET + longest) * 4].decode("utf-8", "replace")
    return redacted(text, forms)[:SNIPPET]


def redacted(text: str, forms: Sequence[str]) -> str:
    for form in forms:
        text = text.replace(form, "[redacted]")
    return text
