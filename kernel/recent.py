"""A bounded map of what was used lately, each entry kept for at most ``ttl`` seconds.

Why one class: the adapters keep several small in-process caches (the Slack profile of a
person, whether a Teams person is known, the language of a recent activity, a Bot Connector
client per service URL). Each one must stay bounded, so a busy organisation cannot grow the
process without end, and some must forget after a while, so a change made by another process
is seen. Written once here, instead of an ``OrderedDict`` with its own eviction loop in each.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most ``size`` entries, the least recently used dropped first; with ``ttl``, an entry
    older than ``ttl`` seconds (by ``clock``) is gone."""

    def __init__(
        self,
        size: int,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.size = size
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        found = self._entries.get(key)
        if found is None:
            return None
        stored_at, value = found
        if self.ttl is not None and self._clock() - stored_at >= self.ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        """Keep ``value`` for ``key`` from now on; returns it."""
        self._entries[key] = (self._clock(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)
