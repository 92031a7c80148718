"""bot.heap: what exists at start-up is frozen; what comes later is still collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.heap import freeze_startup_heap


class Node:
    """A cycle of these is garbage only a collection can free."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test session collects as usual


def test_freezing_exempts_the_start_up_heap_and_collects_later_garbage(unfrozen: None) -> None:
    kept = [[number] for number in range(10_000)]  # tracked objects alive at "start-up"
    old = cycle()  # garbage already: the collection inside freeze frees it first
    frozen = freeze_startup_heap()
    assert old() is None
    assert frozen == gc.get_freeze_count() >= len(kept)
    new = cycle()  # made after start-up, e.g. during a turn
    assert new() is not None
    gc.collect()
    assert new() is None, "garbage made later is collected as before"
    assert gc.get_freeze_count() == frozen, "and nothing new is frozen"
