"""Option builders and flag parsing the command declarations share; they import only
click, so that ``virtnum --help`` builds its options without the SDK."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

__all__ = ["SECONDS", "F", "env_flag", "positive_seconds", "whole_number"]

F = TypeVar("F", bound=Callable[..., Any])


def positive_seconds(
    ctx: click.Context, param: click.Parameter, value: float | None
) -> float | None:
    """The callback of a seconds option: a positive, finite number."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise click.BadParameter(f"expected a positive number of seconds, got {value:g}")
    return value


def whole_number(*names: str, minimum: int, default: int, help: str) -> Callable[[F], F]:
    """An option taking a whole number of at least ``minimum``, its default shown."""
    return click.option(
        *names, type=click.IntRange(min=minimum), default=default, show_default=True, help=help
    )


#: The keyword arguments of an option that takes seconds.
SECONDS: dict[str, Any] = {"type": float, "callback": positive_seconds, "metavar": "SECONDS"}

_FLAG_WORDS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def env_flag(name: str) -> bool | None:
    """A boolean environment variable: 1/0, true/false, yes/no (any case); None when it
    is unset or empty; ValueError for anything else."""
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        return _FLAG_WORDS[text.lower()]
    except KeyError:
        raise ValueError(f"{name}={text[:20]!r}: expected 1, 0, true, false, yes or no") from None
