"""The names of the environment variables the SDK reads, its default profile and its
default API URL (no imports, so that the CLI's help can name them without loading the SDK).
Each is public as ``virtnum.<NAME>``."""

__all__ = ["BASE_URL_ENV", "DEFAULT_BASE_URL", "DEFAULT_PROFILE", "PROFILE_ENV", "TOKEN_ENV"]

TOKEN_ENV = "VIRTNUM_TOKEN"
"""The variable holding the API token when none is passed."""

BASE_URL_ENV = "VIRTNUM_BASE_URL"
"""The variable holding the API URL when none is passed (a profile's own URL wins)."""

PROFILE_ENV = "VIRTNUM_PROFILE"
"""The variable naming the credentials profile to use."""

DEFAULT_PROFILE = "default"
"""The profile used when no token, profile or variable names another."""

DEFAULT_BASE_URL = "https://simple-api.cp.megafon.ru"
"""The production API URL, used when no source gives a ``base_url``."""
