"""One index for every instance: load the index from storage, then follow the change log.

Why a change log polled by id (and not LISTEN/NOTIFY): it works the same on SQLite and
PostgreSQL, survives a dropped connection (the next poll simply reads on), and the triggers of
migration 0008 write it in the writer's own transaction, whoever the writer is (another bot
instance, ``signaalbot import``, a script). Applying a change re-reads the row, so applying one
twice is harmless and the order of changes to different rows does not matter.

PostgreSQL hands out ids when a row is inserted, not when its transaction commits, so a
follower can see id 12 before id 11 commits. Ids missing below the newest one seen are kept as
*gaps* and asked for again on the next polls, until they show up or are older than
:data:`GAP_PATIENCE` seconds (a rolled-back transaction leaves a gap for ever).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from matching import Document, MatchIndex
from storage.repositories.matching import Searchable
from storage.uow import UnitOfWork

#: Seconds a gap in the change log is asked for again before it is taken as a rollback.
GAP_PATIENCE = 120.0
#: Most gaps remembered; a bigger hole (a huge rolled-back import) is given up at once.
MAX_GAPS = 20_000
#: Refs read back per query while applying changes.
CHUNK = 500
TITLE_LENGTH = 80

UowFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork]]


def signal_document(ref: str, text: str) -> Document:
    title = text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"
    return Document(kind="signal", ref=ref, title=title, text=text)


def study_document(ref: str, title: str, summary: str) -> Document:
    return Document(kind="study", ref=ref, title=title, text=f"{title}. {summary}".strip())


def document(row: Searchable) -> Document:
    if row.kind == "signal":
        return signal_document(row.ref, row.text)
    return study_document(row.ref, row.title, row.text)


class IndexSync:
    """Keeps ``index`` equal to the database; one per process, driven by a periodic job."""

    def __init__(
        self, uow: UowFactory, index: MatchIndex, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.uow = uow
        self.index = index
        self.generation = 0
        self._gaps: dict[int, float] = {}
        self._clock = clock

    async def load(self) -> MatchIndex:
        """Fill the index from storage, with the stored vectors of the index's encoder.

        The change-log position is read first, so a change made while loading is applied again
        by the next :meth:`catch_up` rather than lost.
        """
        async with self.uow() as uow:
            self.generation = await uow.matching.last_change()
            for kind in ("signal", "study"):
                for row in await uow.matching.searchable(kind):
                    self._apply(row)
        return self.index

    async def catch_up(self) -> int:
        """Apply every change written since the last call; returns how many rows changed."""
        applied = 0
        while True:
            async with self.uow() as uow:
                changes = await uow.matching.changes(self.generation, self._gaps.keys())
                if not changes:
                    break
                applied += await self._apply_changes(uow, changes)
            if len(changes) < 5000:
                break
        self._forget_old_gaps()
        return applied

    async def _apply_changes(self, uow: UnitOfWork, changes: Sequence[tuple[int, str, str]]) -> int:
        seen = {change_id for change_id, _, _ in changes}
        for change_id in seen:
            self._gaps.pop(change_id, None)
        newest = max(seen)
        if newest > self.generation:
            now = self._clock()
            missing = [i for i in range(self.generation + 1, newest) if i not in seen]
            if len(self._gaps) + len(missing) <= MAX_GAPS:
                self._gaps.update((i, now) for i in missing)
            self.generation = newest
        by_kind: dict[str, set[str]] = {}
        for _, kind, ref in changes:
            by_kind.setdefault(kind, set()).add(ref)
        applied = 0
        for kind, ref_set in by_kind.items():
            refs = sorted(ref_set)
            for start in range(0, len(refs), CHUNK):
                chunk = refs[start : start + CHUNK]
                rows = {r.ref: r for r in await uow.matching.searchable(kind, chunk)}
                for ref in chunk:
                    row = rows.get(ref)
                    if row is None or not row.active:
                        if (kind, ref) in self.index:
                            self.index.remove(kind, ref)
                            applied += 1
                    elif self._apply(row):
                        applied += 1
        return applied

    def _apply(self, row: Searchable) -> bool:
        """Index one row unless the index already holds it as stored; True when it changed."""
        index = self.index
        doc = document(row)
        encoder = index.encoder
        vector = (
            row.vector
            if encoder is not None and row.vector is not None and row.vector_model == encoder.name
            else None
        )
        if index.get(row.kind, row.ref) == doc:
            if vector is not None and not index.has_vector(row.kind, row.ref):
                return index.set_vector(row.kind, row.ref, vector)
            return False
        index.add(doc, vector)
        return True

    def _forget_old_gaps(self) -> None:
        if not self._gaps:
            return
        limit = self._clock() - GAP_PATIENCE
        for change_id in [i for i, at in self._gaps.items() if at < limit]:
            del self._gaps[change_id]
