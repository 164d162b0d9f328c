"""A successful response's body as the transport hands it to the conversion layer.

Bytes, undecoded, plus what an error about them must name: the request, and a snippet
of the body with every secret cut out (the transport knows the secrets, the converter
does not).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
from yarl import URL

from virtnum._errors import ResponseValidationError

__all__ = ["Payload"]


@attrs.frozen
class Payload:
    """The body bytes of a 2xx response, the request it answers, and a redacted snippet."""

    content: bytes = attrs.field(repr=False)
    method: str
    url: str
    snippet: Callable[[], str] = attrs.field(repr=False, eq=False)

    def not_json(self) -> ResponseValidationError:
        """The error for a body that is not JSON: empty, or a start of it (redacted)."""
        empty = not self.content.strip()
        problem = "the body is empty" if empty else f"not JSON: {self.snippet()[:200]!r}"
        return ResponseValidationError(
            f"{self.method} {URL(self.url).path}: {problem}",
            method=self.method,
            url=self.url,
            errors=[("$", "empty body" if empty else "invalid JSON")],
        )
