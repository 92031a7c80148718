"""The index's round: make missing vectors, follow the change log, then the steps after it.

``cycle.scheduler.CycleScheduler`` runs :meth:`IndexJobs.run_once` every
:data:`FOLLOW_INTERVAL` seconds as a job of its own (never two at once); a failed round
(database away) is logged and tried again at the next.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from turn.embedding import embed_pending
from turn.index_sync import IndexSync

#: Seconds between two polls of the change log; with the poll's own time well within the
#: promised 5 seconds for a change made by another process.
FOLLOW_INTERVAL = 1.0
#: Vectors made per round, so that a big backlog never holds the database for long.
EMBED_PER_ROUND = 64


class IndexJobs:
    """One round of :func:`embed_pending`, :meth:`IndexSync.catch_up` and the ``after`` steps.

    ``after`` are steps run after each round that need the index up to date (the upper layers
    pass theirs in, e.g. telling people of new studies).
    """

    def __init__(
        self,
        sync: IndexSync,
        interval: float = FOLLOW_INTERVAL,
        after: Sequence[Callable[[], Awaitable[object]]] = (),
        per_round: int = EMBED_PER_ROUND,
    ) -> None:
        self.sync = sync
        self.per_round = per_round
        self.interval = interval
        self.after = tuple(after)
        # The change-log count at the last look for rows without a vector; None: never looked.
        self._looked_at: int | None = None

    async def run_once(self) -> int:
        """One round: make missing vectors, then apply every change; returns changes applied.

        Rows without a vector are looked for only when some may have appeared: at the first
        round (a new encoder, rows from before vectors existed) and after the change log moved
        (every new or edited text writes it, whoever the writer). A backlog goes on by itself:
        the vectors a round stores write the log too. Looking costs a scan of the signal table
        when nothing is missing (tens of ms at 100,000 signals), which every instance otherwise
        paid every second. A new text gets its vector one round after its change is applied.
        """
        encoder = self.sync.index.encoder
        seen = self.sync.changes_seen
        if encoder is not None and self._looked_at != seen:
            await embed_pending(self.sync.uow, encoder, limit=self.per_round)
            self._looked_at = seen  # only now: a failed look (database away) is tried again
        applied = await self.sync.catch_up()
        for step in self.after:
            await step()
        return applied
