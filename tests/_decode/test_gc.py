"""virtnum._decode.gc.paused_gc: off inside the block for large work, restored after."""

from __future__ import annotations

import gc

import pytest

from virtnum._decode.gc import paused_gc


def test_pauses_and_restores_for_large_work() -> None:
    assert gc.isenabled()
    with paused_gc(True):
        assert not gc.isenabled()
    assert gc.isenabled()


def test_leaves_small_work_alone() -> None:
    with paused_gc(False):
        assert gc.isenabled()


def test_restores_even_on_error() -> None:
    with pytest.raises(RuntimeError), paused_gc(True):
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_respects_a_caller_who_disabled_it() -> None:
    gc.disable()
    try:
        with paused_gc(True):
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
