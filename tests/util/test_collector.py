"""The cycle collector paused while a build makes objects that form no cycles."""

from __future__ import annotations

import gc

import pytest

from rolebook.util import collector


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_in_the_block_and_as_it_was_after(enabled):
    (gc.enable if enabled else gc.disable)()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled() == enabled


def test_what_a_freezing_block_made_is_frozen_and_an_earlier_freeze_undone():
    gc.freeze()
    before = gc.get_freeze_count()
    with collector.paused(freeze=True):
        assert gc.get_freeze_count() == 0  # what was frozen may be collected again
        made = [[i] for i in range(1000)]
    assert gc.get_freeze_count() >= before + len(made)
    gc.unfreeze()
    assert gc.isenabled()
