"""How many turns run the pipeline at once.

Why a limit: a turn is mostly waiting (database, driver thread, SQLite's one write lock, a
pool of 20 PostgreSQL connections). With 200 people at once and no limit, 200 pipelines
interleave on one event loop: every step of every turn waits behind all the others, so the
cheap things an adapter does before or around a turn (the ack, opening a Slack modal while
its trigger id lives) wait too, and the database is contended for nothing. With a limit the
turns beyond it wait in line (first come, first served) and hold nothing meanwhile; the
event loop stays free for what is quick. Throughput stays the same: the database serialises
the work anyway. A turn that waits on the platform (Teams' profile of someone new) waits outside
the gate: a slow platform API would otherwise hold every place and stall every turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

TURNS_AT_ONCE = 16


class Slot:
    """One turn's place in the gate; :meth:`outside` gives it up while the turn waits on
    something that is not ours (the platform's API), so a slow platform holds no place."""

    def __init__(self, slots: asyncio.Semaphore) -> None:
        self._slots = slots
        self._held = False

    async def take(self) -> None:
        await self._slots.acquire()
        self._held = True

    def give_back(self) -> None:
        if self._held:  # never twice: a turn cancelled while queueing again holds nothing
            self._held = False
            self._slots.release()

    @asynccontextmanager
    async def outside(self) -> AsyncIterator[None]:
        """Wait outside the gate; back in line (at the end) afterwards."""
        self.give_back()
        try:
            yield
        finally:
            await self.take()


class TurnGate:
    """At most ``limit`` turns at once, per event loop (tests start one loop each)."""

    def __init__(self, limit: int = TURNS_AT_ONCE) -> None:
        self.limit = limit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Slot]:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:
            self._loop, self._slots = loop, asyncio.Semaphore(self.limit)
        slot = Slot(self._slots)
        await slot.take()
        try:
            yield slot
        finally:
            slot.give_back()
