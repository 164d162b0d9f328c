"""The connection settings the global options give every command, the client made from
them, and the event loop a command runs its calls on."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import attrs
import click

from virtnum import DEFAULT_PROFILE, PROFILE_ENV, TOKEN_ENV, VirtnumError
from virtnum.cli.errors import MissingTokenError
from virtnum.cli.words import in_cli_words

if TYPE_CHECKING:
    import ssl

    from virtnum import AsyncClient

__all__ = ["Settings", "ca_context", "run"]

NO_TOKEN = f"no API token: run `virtnum auth login`, set {TOKEN_ENV} or pipe it with --token-stdin"

T = TypeVar("T")


@attrs.frozen
class Settings:
    """Connection settings shared by the commands (the token never printed)."""

    token: str | None = attrs.field(repr=False)
    base_url: str | None
    timeout: float
    max_retries: int
    debug: bool
    proxy: str | None = None
    trust_env: bool = False
    ssl: ssl.SSLContext | bool = True
    allow_insecure_http: bool = False
    profile: str | None = None
    deadline: float | None = None

    def client(self) -> AsyncClient:
        """A client from these settings; its complaints about them name the flags."""
        from virtnum import AsyncClient  # aiohttp: loaded by a command, never by --help

        try:
            return AsyncClient(
                self.token,
                profile=self.profile,
                base_url=self.base_url,
                timeout=self.timeout,
                deadline=self.deadline,
                max_retries=self.max_retries,
                proxy=self.proxy,
                trust_env=self.trust_env,
                ssl=self.ssl,
                allow_insecure_http=self.allow_insecure_http,
            )
        except VirtnumError:
            if self._no_token_anywhere():
                raise MissingTokenError(NO_TOKEN) from None
            raise
        except ValueError as exc:  # the URL, the proxy: set by flags or variables
            raise click.UsageError(in_cli_words(str(exc))) from None

    def _no_token_anywhere(self) -> bool:
        """Whether no source of a token has one (the flag, the variable, a profile)."""
        if self.token is not None or self.profile is not None:
            return False
        if os.environ.get(TOKEN_ENV) or os.environ.get(PROFILE_ENV):
            return False
        from virtnum.credentials import credentials_path, load

        try:
            return DEFAULT_PROFILE not in load(credentials_path())
        except VirtnumError:  # the file itself is the problem: its own error says so
            return False


def ca_context(path: str) -> ssl.SSLContext:
    """A TLS context trusting the CA certificates of the PEM file at ``path`` (only
    those); ValueError in one line when the file is missing or holds none."""
    import ssl

    try:
        return ssl.create_default_context(cafile=path)
    except ssl.SSLError as exc:
        reason = exc.reason or exc.strerror or exc
        raise ValueError(f"--ca-bundle {path}: no CA certificate in it ({reason})") from None
    except OSError as exc:
        raise ValueError(f"--ca-bundle {path}: {exc.strerror or exc}") from None


def run(settings: Settings, job: Callable[[AsyncClient], Awaitable[T]]) -> T:
    """Run ``job`` with a client that is closed afterwards, on a fresh event loop."""

    async def runner() -> T:
        async with settings.client() as client:
            return await job(client)

    import asyncio

    return asyncio.run(runner())
