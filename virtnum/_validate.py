"""Checks on caller input, run before any request so bad input never reaches the wire."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from virtnum._errors import InvalidArgumentTypeError

if TYPE_CHECKING:
    import ssl

__all__ = [
    "check_base_url",
    "check_bool",
    "check_id",
    "check_ids",
    "check_non_negative_int",
    "check_optional_str",
    "check_positive_int",
    "check_positive_number",
    "check_proxy",
    "check_size",
    "check_ssl",
    "check_timeout",
    "check_token",
    "check_utf8",
    "int_shown",
    "proxy_problem",
    "refuse_plain_http",
    "wrong_type",
]

#: Below this an int is surely printable: every real id costs one comparison.
_SMALL = 1 << 64


def wrong_type(name: str, expected: str, value: Any) -> InvalidArgumentTypeError:
    """The error for an argument of the wrong type; it names the type, never the value."""
    return InvalidArgumentTypeError(f"{name} must be {expected}, got {type(value).__name__}")


def _printable(value: int) -> bool:
    """Whether Python can write ``value`` in decimal (``sys.get_int_max_str_digits``)."""
    if -_SMALL < value < _SMALL:
        return True
    try:
        str(value)
    except ValueError:
        return False
    return True


def int_shown(value: int) -> str:
    """``value`` for an error message; its size in bits when it is too long to print."""
    return str(value) if _printable(value) else f"an int of {value.bit_length()} bits"


def _refuse_unprintable(value: int, name: str) -> int:
    """An int that must become text (a path, a query, a body): refused when Python
    cannot print it, before anything is sent."""
    if value >= _SMALL and not _printable(value):
        limit = sys.get_int_max_str_digits()
        raise ValueError(f"{name} is too large: more than the {limit} digits Python prints")
    return value


def check_id(value: Any, name: str = "id") -> int:
    """A positive int (not bool) that Python can print: nothing else can reach a
    request path."""
    if type(value) is not int:
        raise wrong_type(name, "a positive int", value)
    if value <= 0:
        raise ValueError(f"{name} must be a positive int, got {int_shown(value)}")
    return _refuse_unprintable(value, name)


def check_ids(values: Any) -> list[int]:
    """Every id of an iterable, checked; a str is refused rather than read per character."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise wrong_type("ids", "an iterable of ints", values)
    return [check_id(value, f"ids[{index}]") for index, value in enumerate(values)]


def check_positive_int(value: Any, name: str) -> int:
    if type(value) is not int:
        raise wrong_type(name, "an int", value)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {int_shown(value)}")
    return _refuse_unprintable(value, name)


def check_non_negative_int(value: Any, name: str) -> int:
    if type(value) is not int:
        raise wrong_type(name, "an int", value)
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, got {int_shown(value)}")
    return _refuse_unprintable(value, name)


def _unencodable_at(text: str) -> int | None:
    """The position of the first character UTF-8 cannot encode (a lone surrogate)."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def check_utf8(text: str, name: str) -> str:
    """A str that a URL or a JSON body can carry (UTF-8 encodes it); the error names
    ``name`` and the position, never the text (it may be a password)."""
    position = _unencodable_at(text)
    if position is not None:  # raised outside the except: no context holds the text
        raise ValueError(
            f"{name}: contains a character that cannot be encoded as UTF-8 (position {position})"
        )
    return text


def check_timeout(value: Any, name: str) -> float | None:
    return check_positive_number(value, name, "seconds")


def check_positive_number(value: Any, name: str, unit: str) -> float | None:
    """None, or a positive finite number (``unit`` names it in the error)."""
    if value is None:
        return None
    if type(value) not in (int, float):
        raise wrong_type(name, f"{unit} (a number) or None", value)
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{name} must be a positive finite number of {unit} or None")
    return float(value)


def check_bool(value: Any, name: str) -> bool:
    """Only True or False: a string such as "false" from a config file must not count as
    true for a security flag."""
    if type(value) is not bool:
        raise wrong_type(name, "True or False", value)
    return value


def check_optional_str(value: Any, name: str, expected: str) -> str | None:
    """None, or a str (``expected`` describes it in the error)."""
    if value is None or isinstance(value, str):
        checked: str | None = value
        return checked
    raise wrong_type(name, expected, value)


def check_proxy(value: Any) -> str | None:
    """None, or an http(s) proxy URL (its credentials are never shown in an error)."""
    proxy = check_optional_str(value, "proxy", "a proxy URL (str) or None")
    if proxy is None:
        return None
    problem = proxy_problem(proxy)
    if problem:
        raise ValueError(f"proxy {problem}")
    return proxy


def proxy_problem(proxy: str) -> str | None:
    """What keeps ``proxy`` from being used as a proxy URL, in words that never repeat
    it (None: nothing). aiohttp would raise its own errors, some showing the password."""
    from yarl import URL  # URL checks import yarl when first needed, not with virtnum

    try:
        url = URL(proxy)
        usable = url.scheme in ("http", "https") and bool(url.host) and url.port is not None
        user, password = url.user or "", url.password or ""
    except ValueError:
        usable = False
    if not usable:
        return "must be an http:// or https:// URL with a host"
    if ":" in user:
        return "must not have a ':' in its user name"
    try:  # aiohttp sends the credentials Latin-1 encoded
        f"{user}:{password}".encode("latin-1")
    except UnicodeEncodeError:
        return "must have a user name and password of Latin-1 characters only"
    return None


def check_ssl(value: Any) -> ssl.SSLContext | bool:
    """True (verify), False (do not: for tests only), or an ``ssl.SSLContext``."""
    import ssl

    if type(value) is bool or isinstance(value, ssl.SSLContext):
        return value
    raise wrong_type("ssl", "an ssl.SSLContext, True or False", value)


def check_size(value: Any, name: str) -> int | None:
    """None, or a positive whole number of bytes."""
    return None if value is None else check_positive_int(value, name)


def check_token(token: Any) -> str:
    """A non-empty str with no control characters; the error never repeats the token."""
    if not isinstance(token, str):
        raise wrong_type("token", "a str", token)
    if not token.strip():
        raise ValueError("token is empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in token):
        raise ValueError("token contains control characters (a stray newline?)")
    return token


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(value: Any) -> str:
    """An absolute http(s) URL without query or fragment, returned without trailing '/'."""
    if not isinstance(value, str):
        raise wrong_type("base_url", "a str", value)
    from yarl import URL

    url = URL(value)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("base_url must be an absolute URL: https://host[/prefix]")
    if url.query_string or url.fragment or url.user or url.password:
        raise ValueError("base_url must not carry a query, a fragment or credentials")
    return str(url).rstrip("/")


def refuse_plain_http(base_url: str) -> None:
    """Plain http only to loopback hosts: elsewhere the token would travel unencrypted."""
    from yarl import URL

    url = URL(base_url)
    if url.scheme == "http" and not _is_loopback(url.host or ""):
        raise ValueError(
            "base_url uses plain http to a non-loopback host: the token would travel "
            "unencrypted; use https, or pass allow_insecure_http=True"
        )
