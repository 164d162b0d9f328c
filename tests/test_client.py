"""AsyncClient's option flags take only booleans."""

from __future__ import annotations

import pytest

from virtnum import AsyncClient

from ._support import TOKEN


@pytest.mark.parametrize(
    "flag", ["allow_insecure_http", "trust_env", "follow_redirects", "retry_post"]
)
@pytest.mark.parametrize("value", ["false", "true", 0, 1, None])
def test_flags_take_only_booleans(flag: str, value: object) -> None:
    with pytest.raises(TypeError, match=flag):
        AsyncClient(TOKEN, base_url="https://example.invalid", **{flag: value})  # type: ignore[arg-type]


def test_a_string_false_never_sends_the_token_in_clear_text() -> None:
    with pytest.raises(TypeError):
        AsyncClient(TOKEN, base_url="http://10.1.2.3", allow_insecure_http="false")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="https"):
        AsyncClient(TOKEN, base_url="http://10.1.2.3", allow_insecure_http=False)


def test_with_options_refuses_a_non_boolean_flag() -> None:
    client = AsyncClient(TOKEN, base_url="https://example.invalid")
    with pytest.raises(TypeError, match="retry_post"):
        client.with_options(retry_post="yes")  # type: ignore[arg-type]
