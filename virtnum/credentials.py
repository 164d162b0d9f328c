"""The credentials file and where a client's token comes from (public: the ``virtnum
auth`` commands use it, and so may a program managing its own profiles).

Profiles live in ``$XDG_CONFIG_HOME/virtnum/credentials`` (``~/.config/...`` by
default), a TOML file of one table per profile::

    [default]
    token = "..."
    base_url = "https://simple-api.cp.megafon.ru"

It is refused when group or others may read it (as ssh refuses such keys), written
atomically with mode 0600 in a 0700 directory, and its tokens never appear in a repr,
a log line or an error.

Resolution (``resolve``): an explicit token; a profile named in the call; ``$VIRTNUM_TOKEN``;
the profile named by ``$VIRTNUM_PROFILE``; the ``default`` profile. The base URL comes
with the token's source (the profile's own URL, else ``$VIRTNUM_BASE_URL``); an
explicit ``base_url`` wins over both.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

import attrs

from virtnum._env_names import BASE_URL_ENV, DEFAULT_PROFILE, PROFILE_ENV, TOKEN_ENV
from virtnum._errors import VirtnumError

__all__ = [
    "Profile",
    "credentials_path",
    "dumps",
    "load",
    "mask",
    "named",
    "resolve",
    "save",
]


def mask(token: str) -> str:
    """``****`` and at most the last 4 characters (fewer for a short token)."""
    shown = min(4, len(token) // 4)
    return "****" + (token[-shown:] if shown else "")


@attrs.frozen
class Profile:
    """One account: its token (never in the repr) and, optionally, its API URL."""

    token: str = attrs.field(repr=False)
    base_url: str | None = None


def credentials_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/virtnum/credentials``, ``~/.config/virtnum/credentials`` when unset."""
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(config) / "virtnum" / "credentials"


def _check_mode(path: Path, mode: int) -> None:
    if os.name == "posix" and mode & 0o077:
        raise VirtnumError(
            f"{path} is readable by others (mode {stat.S_IMODE(mode):04o}); "
            f"fix it with: chmod 600 {path}"
        )


def _line_of(text: str, name: str) -> int:
    """The line of profile ``name``'s header (1 when it cannot be found)."""
    for number, line in enumerate(text.splitlines(), 1):
        header = line.strip().strip("[]").strip().strip("\"'")
        if line.lstrip().startswith("[") and header == name:
            return number
    return 1


def _profile(path: Path, text: str, name: str, table: object) -> Profile:
    def bad(problem: str) -> VirtnumError:
        return VirtnumError(f"{path}: line {_line_of(text, name)}: profile {name!r} {problem}")

    if not isinstance(table, dict):
        raise bad('is not a table ([name] with token = "...")')
    unknown = sorted(set(table) - {"token", "base_url"})
    if unknown:
        raise bad(f"has unknown keys: {', '.join(unknown)}")
    token, base_url = table.get("token"), table.get("base_url")
    if not isinstance(token, str) or not token.strip():
        raise bad('needs token = "..." (a non-empty string)')
    if base_url is not None and not isinstance(base_url, str):
        raise bad("has a base_url that is not a string")
    return Profile(token, base_url)


def load(path: Path | None = None) -> dict[str, Profile]:
    """The profiles of the credentials file (none when it does not exist)."""
    import tomllib

    path = credentials_path() if path is None else path
    try:
        with open(path, "rb") as file:
            _check_mode(path, os.fstat(file.fileno()).st_mode)
            data = file.read()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise VirtnumError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
        parsed = tomllib.loads(text)
    except UnicodeDecodeError:
        raise VirtnumError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        where = f"(at line {max(1, len(text.splitlines()))}, its end)"
        reason = str(exc).replace("(at end of document)", where)
        raise VirtnumError(f"{path}: malformed: {reason}") from None
    return {name: _profile(path, text, name, table) for name, table in parsed.items()}


def _quote(text: str) -> str:
    """A TOML basic string."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def dumps(profiles: Mapping[str, Profile]) -> str:
    """The TOML text of ``profiles`` (what ``load`` reads back)."""
    parts = ["# virtnum credentials: keep this file private (chmod 600).\n"]
    for name, profile in profiles.items():
        parts.append(f"\n[{_quote(name)}]\ntoken = {_quote(profile.token)}\n")
        if profile.base_url is not None:
            parts.append(f"base_url = {_quote(profile.base_url)}\n")
    return "".join(parts)


def _private_directories(directory: Path) -> None:
    """Make ``directory`` and its missing parents with mode 0700 whatever the umask (the
    mode the XDG Base Directory spec asks for; ``mkdir(parents=True)`` would give the
    parents 0777 less the umask: world-writable under ``umask 000``). Directories that
    exist keep their mode: they are the user's."""
    missing = []
    while not directory.is_dir():
        missing.append(directory)
        if directory.parent == directory:
            break
        directory = directory.parent
    for made in reversed(missing):
        try:
            made.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile (by another login): not ours to change
            continue
        os.chmod(made, 0o700)  # the umask may have taken bits off, even the owner's


def save(profiles: Mapping[str, Profile], path: Path | None = None) -> Path:
    """Write ``profiles`` atomically (a 0600 temporary file, then ``os.replace``) in a
    0700 directory; returns the path."""
    import tempfile

    path = credentials_path() if path is None else path
    _private_directories(path.parent)
    os.chmod(path.parent, 0o700)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".credentials.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(dumps(profiles))
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def named(name: str, path: Path | None = None) -> Profile:
    """The profile ``name``; VirtnumError naming the file when there is none."""
    path = credentials_path() if path is None else path
    profile = load(path).get(name)
    if profile is None:
        raise VirtnumError(f"no profile {name!r} in {path} (add it with: virtnum auth login)")
    return profile


def resolve(
    token: str | None,
    base_url: str | None,
    profile: str | None,
    environ: Mapping[str, str] | None = None,
) -> tuple[str, str | None]:
    """The token and base URL a client uses (the URL None for the production one)."""
    env = os.environ if environ is None else environ
    path = credentials_path(env)
    source: Profile | None = None
    if token is None and profile is not None:
        source = named(profile, path)
    elif token is None and env.get(TOKEN_ENV):
        token = env[TOKEN_ENV]
    elif token is None and env.get(PROFILE_ENV):
        source = named(env[PROFILE_ENV], path)
    elif token is None:
        source = load(path).get(DEFAULT_PROFILE)
        if source is None:
            raise VirtnumError(
                f"no API token: pass token=..., set the {TOKEN_ENV} environment variable "
                "or run `virtnum auth login`"
            )
    if source is not None:
        return source.token, base_url or source.base_url
    assert token is not None
    return token, base_url or env.get(BASE_URL_ENV) or None
