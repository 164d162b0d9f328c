"""``virtnum auth login/status/logout``: the credentials file's profiles, and the
global token options (``--token-stdin``; the deprecated ``--token``)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import attrs
import click

from virtnum import BASE_URL_ENV, DEFAULT_BASE_URL, DEFAULT_PROFILE, VirtnumError
from virtnum.cli.group import SECRETS
from virtnum.cli.settings import Settings, run
from virtnum.credentials import Profile, credentials_path, load, mask, save

if TYPE_CHECKING:
    from virtnum import AsyncClient

__all__ = ["COMMANDS", "token_from_options"]


def _first_line() -> str:
    token = sys.stdin.readline().strip()
    if not token:
        raise ValueError("no token on stdin (expected it on the first line)")
    return token


def token_from_options(token: str | None, token_stdin: bool) -> str | None:
    """The token of ``--token-stdin`` or the deprecated ``--token`` (with a warning)."""
    if token is not None and token_stdin:
        raise click.UsageError("use --token-stdin or --token, not both")
    if token_stdin:
        return _first_line()
    if token is not None:
        click.echo(
            "virtnum: warning: --token is deprecated (the token shows in ps and the shell "
            "history); use --token-stdin, VIRTNUM_TOKEN or `virtnum auth login`",
            err=True,
        )
    return token


def _read_token(with_token: bool) -> str:
    if with_token:
        return _first_line()
    if sys.stdin.isatty():
        return str(click.prompt("API token", hide_input=True, err=True)).strip()
    raise ValueError("no token: pipe it with --with-token or run on a terminal")


def _profile_name(own: str | None, settings: Settings) -> str:
    return own or settings.profile or DEFAULT_PROFILE


@click.command()
@click.option("--profile", metavar="NAME", help=f"Profile to store [default: {DEFAULT_PROFILE}].")
@click.option("--base-url", metavar="URL", help=f"API URL [env: {BASE_URL_ENV}].")
@click.option("--with-token", is_flag=True, help="Read the token from stdin's first line.")
@click.pass_obj
def login(settings: Settings, profile: str | None, base_url: str | None, with_token: bool) -> None:
    """Check a token with one request and store it in the credentials file (mode 0600)."""
    name = _profile_name(profile, settings)
    url = base_url or settings.base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    path = credentials_path()
    profiles = load(path)  # a file that would be refused is refused before the prompt
    token = _read_token(with_token)
    click.get_current_context().meta.setdefault(SECRETS, []).append(token)  # for --debug
    checked = attrs.evolve(settings, token=token, base_url=url, profile=None)

    async def check(client: AsyncClient) -> None:
        await anext(aiter(client.numbers.pages(page_size=1)), None)

    run(checked, check)  # a 401 or 403 ends here, with its one line and exit code
    profiles[name] = Profile(token, url)
    save(profiles, path)
    click.echo(f"virtnum: profile {name!r} ({url}) saved in {path}", err=True)


@click.command()
def status() -> None:
    """List the profiles: name, base URL and the token masked."""
    path = credentials_path()
    profiles = load(path)
    if not profiles:
        click.echo(f"virtnum: no profiles in {path} (add one with: virtnum auth login)", err=True)
        return
    click.echo(f"{path}:")
    width = max(len(name) for name in profiles)
    for name, profile in profiles.items():
        url = profile.base_url or f"{DEFAULT_BASE_URL} (default)"
        click.echo(f"  {name:<{width}}  {url}  token {mask(profile.token)}")


@click.command()
@click.option("--profile", metavar="NAME", help=f"Profile to remove [default: {DEFAULT_PROFILE}].")
@click.pass_obj
def logout(settings: Settings, profile: str | None) -> None:
    """Remove a profile from the credentials file."""
    name = _profile_name(profile, settings)
    path = credentials_path()
    profiles = load(path)
    if profiles.pop(name, None) is None:
        raise VirtnumError(f"no profile {name!r} in {path}")
    save(profiles, path)
    click.echo(f"virtnum: profile {name!r} removed from {path}", err=True)


COMMANDS = (login, status, logout)
