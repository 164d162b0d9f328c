"""Checks on caller input, run before any request so bad input never reaches the wire."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from yarl import URL

from virtnum._errors import InvalidArgumentTypeError

__all__ = [
    "check_base_url",
    "check_id",
    "check_ids",
    "check_positive_int",
    "check_token",
    "wrong_type",
]


def wrong_type(name: str, expected: str, value: Any) -> InvalidArgumentTypeError:
    """The error for an argument of the wrong type; it names the type, never the value."""
    return InvalidArgumentTypeError(f"{name} must be {expected}, got {type(value).__name__}")


def check_id(value: Any, name: str = "id") -> int:
    """A positive int (not bool): nothing else can reach a request path."""
    if type(value) is not int:
        raise wrong_type(name, "a positive int", value)
    if value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return value


def check_ids(values: Any) -> list[int]:
    """Every id of an iterable, checked; a str is refused rather than read per character."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise wrong_type("ids", "an iterable of ints", values)
    return [check_id(value, f"ids[{index}]") for index, value in enumerate(values)]


def check_positive_int(value: Any, name: str) -> int:
    if type(value) is not int:
        raise wrong_type(name, "an int", value)
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def check_non_negative_int(value: Any, name: str) -> int:
    if type(value) is not int:
        raise wrong_type(name, "an int", value)
    if value < 0:
        raise ValueError(f"{name} must be 0 or more, got {value}")
    return value


def check_timeout(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if type(value) not in (int, float):
        raise wrong_type(name, "seconds (a number) or None", value)
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{name} must be a positive finite number of seconds or None")
    return float(value)


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
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(value: Any, *, allow_insecure_http: bool) -> str:
    """An absolute http(s) URL without query or fragment, returned without trailing '/'.

    Plain http is allowed only to loopback hosts unless the caller opts in.
    """
    if not isinstance(value, str):
        raise wrong_type("base_url", "a str", value)
    url = URL(value)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("base_url must be an absolute URL: https://host[/prefix]")
    if url.query_string or url.fragment or url.user or url.password:
        raise ValueError("base_url must not carry a query, a fragment or credentials")
    if url.scheme == "http" and not allow_insecure_http and not _is_loopback(url.host):
        raise ValueError(
            "base_url uses plain http to a non-loopback host: the token would travel "
            "unencrypted; use https, or pass allow_insecure_http=True"
        )
    return str(url).rstrip("/")
