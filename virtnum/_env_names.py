"""The names of the environment variables the SDK reads and of its default profile
(no imports, so that the CLI's help can name them without loading the SDK)."""

__all__ = ["BASE_URL_ENV", "DEFAULT_PROFILE", "PROFILE_ENV", "TOKEN_ENV"]

TOKEN_ENV = "VIRTNUM_TOKEN"
BASE_URL_ENV = "VIRTNUM_BASE_URL"
PROFILE_ENV = "VIRTNUM_PROFILE"
DEFAULT_PROFILE = "default"
