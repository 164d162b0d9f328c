"""Masking secrets (the token, a proxy's password, a password of a request) in every text
the SDK shows: errors' messages and details, log lines, hooks' events, the CLI's output.

``masked`` is the one function that does it: each known secret, in every form a server,
a proxy or aiohttp may echo it in (as sent, JSON- or HTML-escaped, percent-encoded, in a
``Basic`` header), becomes ``[redacted]``, and the password of any URL's userinfo becomes
``***`` (``http://user:***@proxy:3128``), even one the SDK never knew of.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence

__all__ = [
    "REDACTED",
    "SNIPPET",
    "Redactor",
    "masked",
    "proxy_secrets",
    "redact",
    "secret_forms",
    "snippet",
]

SNIPPET = 500  # characters of a body kept in an error
REDACTED = "[redacted]"
# scheme://userinfo@ : the userinfo runs to the authority's last "@"
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)([^\s/?#]*)@")
_SUB_DELIMS = "!$&'()*+,;="
_PATH_SAFE = ("", "/", _SUB_DELIMS + ":@")  # what a query, a path, a userinfo leave as is
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")  # characters no encoding changes


class Redactor:
    """Knows the client's secrets (its token, its proxies' credentials); each call may add
    the secrets of one request."""

    def __init__(self, token: str, proxies: Iterable[str | None] = ()) -> None:
        found = [secret for proxy in proxies if proxy for secret in proxy_secrets(proxy)]
        self._forms = secret_forms([token, *found])

    def forms(self, extra: Sequence[str] = ()) -> list[str]:
        """Every form of every secret, ``extra``'s too, longest first (``secret_forms``)."""
        if not extra:
            return self._forms
        return _longest_first({*self._forms, *secret_forms(extra)})

    def text(self, value: str, extra: Sequence[str] = ()) -> str:
        return masked(value, self.forms(extra))

    def snippet(self, raw: bytes, extra: Sequence[str] = ()) -> str:
        """``snippet`` of ``raw`` without the secrets and ``extra``."""
        return snippet(raw, self.forms(extra))


def masked(text: str, forms: Sequence[str] = ()) -> str:
    """``text`` with each of ``forms`` (longest first, as ``secret_forms`` gives them)
    replaced by ``[redacted]``, and the password (a lone user name: all of it) of every
    URL's userinfo by ``***``."""
    for form in forms:
        if form in text:
            text = text.replace(form, REDACTED)
    return _USERINFO.sub(_userinfo_masked, text) if "@" in text else text


def redact(text: str, secrets: Iterable[str] = (), proxies: Iterable[str] = ()) -> str:
    """``text`` as the SDK shows text: each of ``secrets`` (a token, a password) and the
    credentials of each proxy URL in ``proxies`` replaced by ``[redacted]`` in every form a
    server, a proxy or aiohttp may echo them in, and the password of any URL's userinfo
    by ``***``. For a program that shows texts of its own (a traceback, a log line)."""
    found = [secret for proxy in proxies if proxy for secret in proxy_secrets(proxy)]
    return masked(text, secret_forms([*secrets, *found]))


def _userinfo_masked(match: re.Match[str]) -> str:
    user, colon, _ = match[2].partition(":")
    return f"{match[1]}{user}:***@" if colon else f"{match[1]}***@"


def secret_forms(secrets: Iterable[str]) -> list[str]:
    """Each secret as sent and as it may come back (see ``_forms_of``), longest first so
    that no longer form is left half-masked by a shorter one."""
    return _longest_first({form for secret in secrets if secret for form in _forms_of(secret)})


def _longest_first(forms: set[str]) -> list[str]:
    return sorted(forms, key=lambda form: (-len(form), form))


def _forms_of(secret: str) -> tuple[str, ...]:
    """``secret`` as sent, stripped (a header's value), misread (its UTF-8 bytes read as
    Latin-1, its Latin-1 bytes, as aiohttp sends Basic credentials, read as UTF-8) and
    each of these JSON-escaped once or twice (a JSON body quoted in a JSON error, ASCII or
    not); each of them also HTML-escaped, misread, and percent-encoded (as a query, a
    path or a userinfo encode it, from UTF-8 or Latin-1, hex digits in either case)."""
    if _UNRESERVED.fullmatch(secret):  # most tokens: every form is the secret itself
        return (secret,)
    from json.encoder import encode_basestring, encode_basestring_ascii

    bases = {secret, secret.strip(), *_misread(secret)}
    for _ in range(2):
        bases |= {
            escape(b)[1:-1]
            for b in bases
            for escape in (encode_basestring, encode_basestring_ascii)
        }
    return tuple({form for base in bases for form in _encoded(base) if form})


def _misread(text: str) -> list[str]:
    """``text`` decoded with the wrong codec (none for a non-Latin-1 or unpaired text)."""
    with contextlib.suppress(UnicodeEncodeError):
        latin1 = text.encode("latin-1").decode("utf-8", "replace")
        return [text.encode("utf-8").decode("latin-1"), latin1]
    with contextlib.suppress(UnicodeEncodeError):
        return [text.encode("utf-8").decode("latin-1")]
    return []


def _encoded(text: str) -> list[str]:
    import html
    from urllib.parse import quote, quote_plus

    forms = [text, html.escape(text)]
    for codec in ("utf-8", "latin-1"):  # Latin-1: Basic credentials, as aiohttp sends them
        with contextlib.suppress(UnicodeEncodeError):
            forms += [quote(text, safe=safe, encoding=codec) for safe in _PATH_SAFE]
            forms.append(quote_plus(text, safe="", encoding=codec))
    forms += [re.sub("%[0-9A-F]{2}", lambda m: m[0].lower(), form) for form in forms[2:]]
    return forms + _misread(text)


def proxy_secrets(proxy: str) -> list[str]:
    """The secrets of a proxy URL: its password (as written and decoded), or its user name
    when it has no password, and the ``Basic`` credentials aiohttp sends for them; the whole
    URL when it cannot be parsed."""
    from yarl import URL

    try:
        url = URL(proxy)
        user, password = url.user, url.password
    except ValueError:
        return [proxy]
    if user is None and password is None:
        return []
    written = proxy.partition("://")[2].split("/")[0].split("?")[0].split("#")[0]
    raw_user, _, raw_password = written.rpartition("@")[0].partition(":")
    found = [password, raw_password, url.raw_password] if password else [user, raw_user]
    found += _basic_credentials(user or "", password or "")
    return [secret for secret in found if secret]


def _basic_credentials(user: str, password: str) -> list[str]:
    """``user:password`` in base64, as aiohttp (Latin-1) or a UTF-8 client encodes it."""
    import base64

    pair = f"{user}:{password}"
    return [
        base64.b64encode(pair.encode(codec, "replace")).decode("ascii")
        for codec in ("latin-1", "utf-8")
    ]


def snippet(raw: bytes, forms: Sequence[str]) -> str:
    """The start of a body as text, secrets masked before it is cut short (so a secret
    straddling the cut cannot half-survive); only the prefix that can reach the snippet
    is decoded (at most 4 bytes a character)."""
    longest = max(map(len, forms), default=0)
    text = raw[: (SNIPPET + longest) * 4].decode("utf-8", "replace")
    return masked(text, forms)[:SNIPPET]
