"""The ``virtnum`` logger: the ``VIRTNUM_LOG`` switch, and what a log line may show.

``VIRTNUM_LOG=debug`` (or ``info``) sends the logger to stderr, as ``OPENAI_LOG`` does for
openai-python. Query values that are personal data (phone numbers, comments, ...) are
masked in the DEBUG line; the token and passwords never reach a log line at all.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from virtnum._redact import masked

__all__ = ["LOG_ENV", "logger", "setup_from_env", "shown_url"]

LOG_ENV = "VIRTNUM_LOG"
logger = logging.getLogger("virtnum")
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_PERSONAL = frozenset(
    {"number", "comment", "dgn_number", "redirect_number", "sip_uri", "employee_id", "reason"}
)
_handler: logging.Handler | None = None


def setup_from_env() -> None:
    """Attach a stderr handler at the level ``$VIRTNUM_LOG`` names (unknown values: none)."""
    level = _LEVELS.get(os.environ.get(LOG_ENV, "").strip().lower())
    if level is not None:
        send_to_stderr(level)


def send_to_stderr(level: int) -> None:
    """One handler on stderr at ``level`` (called again, it only changes the level)."""
    global _handler
    if _handler is None:
        _handler = logging.StreamHandler(sys.stderr)
        _handler.setFormatter(logging.Formatter("%(asctime)s virtnum %(levelname)s %(message)s"))
        logger.addHandler(_handler)
    logger.setLevel(level)


def shown_url(url: str, params: Sequence[tuple[str, str]] | None) -> str:
    """The URL for a DEBUG line: the query kept, values of personal fields masked (and,
    as in every text shown, a password in the URL)."""
    if not params:
        return masked(url)
    from yarl import URL  # a DEBUG line only: not loaded by ``import virtnum``

    shown = [(k, "***" if k.partition("__")[0] in _PERSONAL else v) for k, v in params]
    return masked(str(URL(url).with_query(shown)))
