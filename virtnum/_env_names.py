"""The names of the environment variables the SDK reads, its default profile and its
default API URL (no imports, so that the CLI's help can name them without loading the SDK).
Each is public as ``virtnum.<NAME>``."""

__all__ = ["BASE_URL_ENV", "DEFAULT_BASE_URL", "DEFAULT_PROFILE", "PROFILE_ENV", "TOKEN_ENV"]

#: The variable holding the API token when none is passed.
TOKEN_ENV = "VIRTNUM_TOKEN"
#: The variable holding the API URL when none is passed (nor set by the profile).
BASE_URL_ENV = "VIRTNUM_BASE_URL"
#: The variable naming the credentials profile to use.
PROFILE_ENV = "VIRTNUM_PROFILE"
#: The profile used when no token, profile or variable names another.
DEFAULT_PROFILE = "default"
#: The production API URL, used when no ``base_url`` is given by any source.
DEFAULT_BASE_URL = "https://simple-api.cp.megafon.ru"
