"""The command line's words: values of flags checked with the flag named and a "did you
mean" (field names, enum values in any case, ``--type mobile``), and the library's
messages about its arguments restated with the flags a user types."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from urllib.parse import urlencode

import click

from virtnum import Filter, NumberType, Purpose, State
from virtnum.models import VIRTUAL_NUMBER_FIELDS

__all__ = [
    "EDIT_FLAGS",
    "ENUMS",
    "build_filter",
    "did_you_mean",
    "enum_value",
    "in_cli_words",
    "normal_name",
]

#: The fields whose values are an enum, with the values the SDK knows.
ENUMS: dict[str, type[NumberType] | type[State] | type[Purpose]] = {
    "type": NumberType,
    "state": State,
    "purpose": Purpose,
}

# What users call the types: the API's names are the documents' codes.
_TYPE_WORDS = {
    "mobile": "def",
    "cell": "def",
    "city": "abc",
    "landline": "abc",
    "geo": "abc",
    "sip": "sip_registration",
    "redirect": "sip_redirection",
    "tollfree": "toll_free",
    "8800": "toll_free",
}


def did_you_mean(text: str, choices: Sequence[str]) -> str:
    """``did you mean 'x'? `` for the closest of ``choices``, or nothing."""
    close = difflib.get_close_matches(text.lower(), list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def normal_name(text: str) -> str:
    """A name as typed (``Employee ID``, `` purpose ``) in the API's spelling."""
    return re.sub(r"[\s-]+", "_", text.strip()).lower()


def enum_value(flag: str, field: str, text: str) -> str:
    """The API's value of ``field`` for ``text`` in any case (``ACTIVE``, ``debt-lock``);
    a usage error naming ``flag`` with the closest value otherwise."""
    kind = ENUMS[field]
    known = [member.value for member in kind.__members__.values()]
    key = normal_name(text)
    if key in known:
        return key
    if key and kind(key).is_known:  # an alias the SDK reads (the documents' Cyrillic "с")
        return kind(key).value
    word = _TYPE_WORDS.get(key) if field == "type" else None
    hint = f"did you mean {word!r} ({key})? " if word else did_you_mean(key, known)
    raise click.BadParameter(
        f"{text[:40]!r} is not a known {field}; {hint}known: {', '.join(known)}",
        param_hint=f"'{flag}'",
    )


def _field(flag: str, name: str) -> str:
    """A field name given to ``flag``, checked (with a "did you mean")."""
    key = normal_name(name)
    if key in VIRTUAL_NUMBER_FIELDS:
        return key
    raise click.BadParameter(
        f"no field {name[:40]!r}; {did_you_mean(key, VIRTUAL_NUMBER_FIELDS)}"
        f"fields: {', '.join(VIRTUAL_NUMBER_FIELDS)}",
        param_hint=f"'{flag}'",
    )


def _library_detail(exc: ValueError) -> str:
    """The library's message without its ``filter 'x': `` prefix."""
    text = str(exc)
    return text.split(": ", 1)[1] if text.startswith(("filter ", "order_by(")) else text


def _where(condition: str) -> tuple[str, str]:
    """``FIELD=VALUE`` (FIELD may end in ``__ne``) checked as one condition."""
    name, sep, value = condition.partition("=")
    if not sep:
        raise click.BadParameter(
            f"{condition[:40]!r}: expected FIELD=VALUE", param_hint="'--where'"
        )
    field, op, operator = normal_name(name).partition("__")
    field = _field("--where", field)
    if field in ENUMS:
        value = enum_value(f"--where {field}", field, value)
    key = field + op + operator
    try:
        Filter.parse(urlencode([(key, value)]))
    except ValueError as exc:
        raise click.BadParameter(
            f"{condition[:60]!r}: {_library_detail(exc)}", param_hint="'--where'"
        ) from None
    return key, value


def build_filter(
    choices: Sequence[tuple[str, str, Sequence[str]]], where: Sequence[str], sort: str | None
) -> Filter:
    """The listing's Filter from ``(flag, key, values)`` enum options, ``--where``
    conditions and ``--sort``, each value checked with its flag named."""
    pairs = [
        (key, enum_value(flag, key.partition("__")[0], value))
        for flag, key, values in choices
        for value in values
    ]
    pairs += [_where(condition) for condition in where]
    query = Filter.parse(urlencode(pairs))
    if not sort:
        return query
    text = sort.strip()
    descending = text.startswith("-")
    field = _field("--sort", text.removeprefix("-"))
    try:
        return query.order_by(("-" if descending else "") + field)
    except ValueError as exc:
        raise click.BadParameter(_library_detail(exc), param_hint="'--sort'") from None


# The library's names of its arguments, as the flags (and variables) that set them.
_FLAGS = (
    ("pass allow_insecure_http=True", "pass --allow-insecure-http"),
    ("allow_insecure_http", "--allow-insecure-http"),
    ("base_url", "the base URL (--base-url, VIRTNUM_BASE_URL or the profile's)"),
    ("proxy must", "--proxy (or VIRTNUM_PROXY) must"),
    ("max_retries", "--max-retries"),
    ("deadline", "--deadline"),
    ("timeout", "--timeout"),
    ("page_size", "--page-size"),
    ("concurrency", "--concurrency"),
    ("server_port", "--server-port"),
    ("server_host", "--server-host"),
    ("dgn_number", "--dgn-number"),
)


# ``update``'s fields, as its flags (the longer spelling first).
EDIT_FLAGS = (
    ("purpose='employee'", "--purpose employee"),
    ("employee_id", "--employee-id"),
    ("purpose", "--purpose"),
    ("comment", "--comment"),
)


def in_cli_words(message: str, words: tuple[tuple[str, str], ...] = _FLAGS) -> str:
    """A library message about arguments the CLI passed from flags, with the flags in
    place of the library's keyword arguments (``words``: which arguments)."""
    for library, flag in words:
        message = re.sub(rf"(?<![\w-]){re.escape(library)}(?![\w])", flag, message)
    return message
