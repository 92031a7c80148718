"""How many turns run the pipeline at once.

Why a limit: a turn is mostly waiting (database, driver thread, SQLite's one write lock, a
pool of 20 PostgreSQL connections). With 200 people at once and no limit, 200 pipelines
interleave on one event loop: every step of every turn waits behind all the others, so the
cheap things an adapter does before or around a turn (the ack, opening a Slack modal while
its trigger id lives) wait too, and the database is contended for nothing. With a limit the
turns beyond it wait in line (first come, first served) and hold nothing meanwhile; the
event loop stays free for what is quick. Throughput stays the same: the database serialises
the work anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

TURNS_AT_ONCE = 16


class TurnGate:
    """At most ``limit`` turns at once, per event loop (tests start one loop each)."""

    def __init__(self, limit: int = TURNS_AT_ONCE) -> None:
        self.limit = limit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:
            self._loop, self._slots = loop, asyncio.Semaphore(self.limit)
        async with self._slots:
            yield
