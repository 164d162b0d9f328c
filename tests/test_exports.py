"""The public names of DESIGN.md are exported, and ``__all__`` is sorted and complete."""

from __future__ import annotations

import virtnum
import virtnum.testing

CONTRACT = {
    "AsyncClient",
    "Client",
    "VirtualNumber",
    "RedirectNumber",
    "NumberType",
    "Purpose",
    "State",
    "Filter",
    "VirtnumError",
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "RateLimitError",
    "InternalServerError",
    "ResponseValidationError",
    "to_dict",
    "AvailableMobileNumber",
    "WaitTimeoutError",
    "ResponseTooLargeError",
    "RawResponse",
    "OutcomeUnknownError",
}


def test_contract_names_are_exported() -> None:
    assert set(virtnum.__all__) >= CONTRACT
    for name in CONTRACT:
        assert getattr(virtnum, name).__module__.startswith("virtnum")


def test_all_is_sorted_and_complete() -> None:
    for module in (virtnum, virtnum.testing):
        assert module.__all__ == sorted(module.__all__, key=lambda n: (not n.isupper(), n))
        public = {
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and getattr(value, "__module__", "").startswith("virtnum")
        }
        assert public <= set(module.__all__), public - set(module.__all__)


def test_fake_server_is_exported() -> None:
    assert virtnum.testing.FakeServer.__module__ == "virtnum.testing._server"


def test_error_tree_matches_the_design() -> None:
    assert issubclass(virtnum.APIError, virtnum.VirtnumError)
    assert issubclass(virtnum.APITimeoutError, virtnum.APIConnectionError)
    assert issubclass(virtnum.APIConnectionError, virtnum.APIError)
    assert issubclass(virtnum.ResponseValidationError, virtnum.APIError)
    for status_error in (
        virtnum.BadRequestError,
        virtnum.AuthenticationError,
        virtnum.PermissionDeniedError,
        virtnum.NotFoundError,
        virtnum.RateLimitError,
        virtnum.InternalServerError,
    ):
        assert issubclass(status_error, virtnum.APIStatusError)
    assert issubclass(virtnum.APIStatusError, virtnum.APIError)
    assert issubclass(virtnum.WaitTimeoutError, virtnum.VirtnumError)
    assert not issubclass(virtnum.WaitTimeoutError, virtnum.APIError)


def test_library_does_not_import_cli_or_testing() -> None:
    from ._support import run_python

    code = (
        "import sys, virtnum; "
        "bad = [m for m in sys.modules if m.startswith(('virtnum.cli', 'virtnum.testing'))]; "
        "print(bad); sys.exit(bool(bad))"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stdout
