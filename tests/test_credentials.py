"""The credentials file (modes, atomic writes, TOML escaping, errors) and the order in
which AsyncClient and Client find their token and base URL."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from virtnum import DEFAULT_BASE_URL, AsyncClient, Client, VirtnumError
from virtnum.credentials import Profile, credentials_path, dumps, load, mask, save

SECRET = "profile-secret-7d41"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary XDG_CONFIG_HOME and no token or profile in the environment."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    for name in ("VIRTNUM_TOKEN", "VIRTNUM_BASE_URL", "VIRTNUM_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "virtnum" / "credentials"


def two_profiles(path: Path) -> None:
    save(
        {
            "default": Profile("default-token-1111", "http://127.0.0.1:9001"),
            "work": Profile(SECRET, "http://127.0.0.1:9002"),
        },
        path,
    )


def test_the_path_follows_xdg_config_home(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert credentials_path() == config
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", "/home/op")
    assert credentials_path() == Path("/home/op/.config/virtnum/credentials")


def test_save_writes_0600_in_a_0700_directory_and_leaves_no_temporary(config: Path) -> None:
    two_profiles(config)
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(config.parent).st_mode) == 0o700
    assert os.listdir(config.parent) == ["credentials"]
    assert load(config)["work"] == Profile(SECRET, "http://127.0.0.1:9002")


def test_save_replaces_the_file_atomically(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    two_profiles(config)
    before = config.read_text()

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="No space"):
        save({"other": Profile("x" * 20)}, config)
    assert config.read_text() == before
    assert os.listdir(config.parent) == ["credentials"]


@pytest.mark.parametrize(
    ("name", "token"),
    [('we"ird', 'to"ken\\with\tcontrol\x7f'), ("юникод name", "токен-ü"), ("a.b c", "k=v #x")],
)
def test_strings_are_escaped_and_read_back(config: Path, name: str, token: str) -> None:
    save({name: Profile(token, 'http://127.0.0.1:1/"x"')}, config)
    assert load(config) == {name: Profile(token, 'http://127.0.0.1:1/"x"')}
    assert "\t" not in dumps({name: Profile(token)})


def test_a_file_others_may_read_is_refused_with_the_fix(config: Path) -> None:
    two_profiles(config)
    os.chmod(config, 0o644)
    with pytest.raises(VirtnumError) as info:
        AsyncClient(profile="work")
    message = str(info.value)
    assert f"chmod 600 {config}" in message
    assert "0644" in message
    assert "\n" not in message
    assert SECRET not in message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (f'[work]\ntoken = "{SECRET}"\nbase_url = \n', 3),
        (f'[work]\ntoken = "{SECRET}\n', 2),
        (f"[work]\ntoken = {SECRET}\n", 2),
        (f'[a]\ntoken = "x"\n[work]\ntoken = 5 # {SECRET}\n', 3),
        ('[default]\ntoken = "x"\n\n[work]\nbase_url = "http://h"\n', 4),
        ("[work]\ntoken = \"x\"\npassword = 'p'\n", 1),
    ],
)
def test_a_malformed_file_is_one_line_naming_the_line(config: Path, text: str, line: int) -> None:
    config.parent.mkdir(mode=0o700)
    config.write_text(text)
    os.chmod(config, 0o600)
    with pytest.raises(VirtnumError) as info:
        AsyncClient(profile="work")
    message = str(info.value)
    assert message.startswith(f"{config}: ")
    assert f"line {line}" in message
    assert "\n" not in message
    assert SECRET not in message


def test_a_missing_profile_names_the_file(config: Path) -> None:
    two_profiles(config)
    for make in (lambda: AsyncClient(profile="nope"), lambda: Client(profile="nope")):
        with pytest.raises(VirtnumError, match=rf"no profile 'nope' in {config}"):
            make()


def test_no_token_anywhere_says_how_to_log_in(config: Path) -> None:
    with pytest.raises(VirtnumError, match="virtnum auth login"):
        AsyncClient()


def test_the_resolution_order(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    two_profiles(config)

    def used(**kwargs: str) -> tuple[str, str]:
        client = AsyncClient(**kwargs)
        return client._transport.config.token, client.base_url

    # 5. the default profile, with its own URL
    assert used() == ("default-token-1111", "http://127.0.0.1:9001")
    # 4. VIRTNUM_PROFILE beats the default profile
    monkeypatch.setenv("VIRTNUM_PROFILE", "work")
    assert used() == (SECRET, "http://127.0.0.1:9002")
    # 3. VIRTNUM_TOKEN beats VIRTNUM_PROFILE; its URL is VIRTNUM_BASE_URL or the default
    monkeypatch.setenv("VIRTNUM_TOKEN", "env-token-2222")
    assert used() == ("env-token-2222", DEFAULT_BASE_URL)
    monkeypatch.setenv("VIRTNUM_BASE_URL", "http://127.0.0.1:9003")
    assert used() == ("env-token-2222", "http://127.0.0.1:9003")
    # 2. a profile named in the call beats VIRTNUM_TOKEN (and brings its own URL)
    assert used(profile="default") == ("default-token-1111", "http://127.0.0.1:9001")
    # 1. an explicit token beats everything
    assert used(token="explicit-3333", profile="work") == (
        "explicit-3333",
        "http://127.0.0.1:9003",
    )
    # an explicit base_url wins over the source's URL
    assert used(profile="work", base_url="http://127.0.0.1:9004")[1] == "http://127.0.0.1:9004"


def test_an_empty_base_url_variable_counts_as_unset(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIRTNUM_TOKEN", "env-token-2222")
    monkeypatch.setenv("VIRTNUM_BASE_URL", "")
    assert AsyncClient().base_url == DEFAULT_BASE_URL
    with pytest.raises(ValueError, match="base_url is empty"):
        AsyncClient(base_url="")  # an explicit empty URL is a mistake, not production


def test_a_profile_without_a_url_uses_production(config: Path) -> None:
    save({"default": Profile("default-token-1111")}, config)
    assert AsyncClient().base_url == DEFAULT_BASE_URL


def test_the_sync_client_takes_a_profile(config: Path) -> None:
    two_profiles(config)
    with Client(profile="work") as client:
        assert client._async.base_url == "http://127.0.0.1:9002"


def test_the_token_is_never_in_a_repr(config: Path) -> None:
    two_profiles(config)
    assert SECRET not in repr(load(config))
    assert SECRET not in repr(AsyncClient(profile="work"))


@pytest.mark.parametrize(
    ("token", "shown"), [("abcdefghijklmnop", "****mnop"), ("abcdefg", "****g"), ("abc", "****")]
)
def test_mask_shows_at_most_four_characters(token: str, shown: str) -> None:
    assert mask(token) == shown
