"""A 2xx body that is not JSON (an HTML page, an empty body): a ResponseValidationError
showing a bounded snippet of it (aioresponses, no network)."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from virtnum import AsyncClient, ResponseValidationError

from ._calls import get_error, get_or_list, url_of


@pytest.mark.parametrize("call", ["get", "list"])
async def test_html_200_raises_response_validation_error(
    mocked_client: AsyncClient, call: str
) -> None:
    html = "<html><body>Maintenance window</body></html>"
    with aioresponses() as m:
        m.get(url_of(call), status=200, body=html, content_type="text/html")
        with pytest.raises(ResponseValidationError) as info:
            await get_or_list(mocked_client, call)
    message = str(info.value)
    assert "Maintenance window" in message
    assert "<html>" in message
    assert info.value.method == "GET"


@pytest.mark.parametrize("body", ["", "   ", "\n"])
async def test_empty_200_raises_response_validation_error(
    mocked_client: AsyncClient, body: str
) -> None:
    error = await get_error(mocked_client, ResponseValidationError, status=200, body=body)
    assert "empty" in str(error)
    assert error.__cause__ is None
    assert error.__context__ is None


async def test_html_200_snippet_is_bounded(mocked_client: AsyncClient) -> None:
    error = await get_error(
        mocked_client, ResponseValidationError, status=200, body="<html>" + "a" * 100_000
    )
    assert "<html>" in str(error)
    assert len(str(error)) < 1000
    assert error.__context__ is None
