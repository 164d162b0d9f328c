"""Small shared types: the NOT_GIVEN sentinel."""

from __future__ import annotations

import enum

__all__ = ["NOT_GIVEN", "NotGiven"]


class NotGiven(enum.Enum):
    """Marks an argument the caller did not pass, as distinct from passing ``None``."""

    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN = NotGiven.NOT_GIVEN
