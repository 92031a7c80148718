"""The two background loops of the semantic, shared index: follow the change log, make vectors.

Why loops of their own and not scheduler jobs: they must run every second, never pile up, and
stop with the bot; one asyncio task each does that with no extra machinery. A failed round
(database away) is logged and tried again a second later.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence

from kernel.logging import get_logger
from storage.db import DatabaseUnavailableError
from turn.embedding import embed_pending
from turn.index_sync import IndexSync

log = get_logger("signaalbot.index_jobs")

#: Seconds between two polls of the change log; with the poll's own time well within the
#: promised 5 seconds for a change made by another process.
FOLLOW_INTERVAL = 1.0
#: Vectors made per round, so that a big backlog never holds the database for long.
EMBED_PER_ROUND = 64


class IndexJobs:
    """Runs :meth:`IndexSync.catch_up` and :func:`embed_pending` until :meth:`stop`.

    ``after`` are steps run after each round that need the index up to date (the upper layers
    pass theirs in, e.g. telling people of new studies).
    """

    def __init__(
        self,
        sync: IndexSync,
        interval: float = FOLLOW_INTERVAL,
        after: Sequence[Callable[[], Awaitable[object]]] = (),
    ) -> None:
        self.sync = sync
        self.interval = interval
        self.after = tuple(after)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="index-jobs")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run_once(self) -> int:
        """One round: make missing vectors, then apply every change; returns changes applied."""
        encoder = self.sync.index.encoder
        if encoder is not None:
            await embed_pending(self.sync.uow, encoder, limit=EMBED_PER_ROUND)
        applied = await self.sync.catch_up()
        for step in self.after:
            await step()
        return applied

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except DatabaseUnavailableError:
                log.warning("index_round_skipped_database_unavailable")
            except Exception:  # a background loop must survive one bad round
                log.exception("index_round_failed")
            await asyncio.sleep(self.interval)
