"""A successful response's body as the transport hands it to the conversion layer.

Bytes, undecoded, plus what an error about them must name: the request, and a snippet
of the body with every secret cut out (the transport knows the secrets, the converter
does not).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
from aiohttp.client_proto import ResponseHandler
from yarl import URL

import virtnum._errors as errors
from virtnum._http.failures import request_id_of, unknown_outcome
from virtnum._redact import snippet

__all__ = ["Payload"]


@attrs.define  # made per request: mutable slotted classes build faster than frozen ones
class Payload:
    """The body bytes of a 2xx response, the request it answers, and the secrets (as
    the redactor's forms) that must never leave it in a snippet or a request id."""

    content: bytes = attrs.field(repr=False)
    method: str
    url: str
    secrets: Sequence[str] = attrs.field(default=(), repr=False, eq=False)
    status: int = 200
    headers: Mapping[str, str] = attrs.field(factory=dict, repr=False, eq=False)
    attempts: int = 1
    elapsed: float = attrs.field(default=0.0, eq=False)  # seconds, retries included
    carrier: ResponseHandler | None = attrs.field(default=None, repr=False, eq=False)
    #: This call is a write, and an earlier attempt of it was sent and its answer lost.
    write_answer_lost: bool = attrs.field(default=False, eq=False)

    def distrust(self) -> None:
        """Never reuse the connection this body came on: it is not the answer to its
        request, so what arrives next on that connection may be (see ``stale``).
        Marked, not closed: another request may be reading on it right now."""
        if self.carrier is not None:
            self.carrier.force_close()

    def refused(self, error: errors.APIError) -> errors.APIError:
        """The error of a write whose answer is not one (``error``, a body that fails
        validation): an unknown outcome when an earlier attempt, whose answer was lost,
        may have applied it."""
        return unknown_outcome(error) if self.write_answer_lost else error

    def snippet(self) -> str:
        """The start of the body as text, with the secrets cut out."""
        return snippet(self.content, self.secrets)

    @property
    def request_id(self) -> str | None:
        """The request id the server sent (secrets cut out), read when asked for."""
        return request_id_of(self.headers, self.secrets)

    @property
    def path(self) -> str:
        """The URL's path, without a query string (which may hold personal data)."""
        return URL(self.url).path
