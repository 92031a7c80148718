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

import gc
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from matching import Document, MatchIndex, Prepared, add_stored
from storage.repositories.matching import Searchable
from storage.uow import UnitOfWork

#: Seconds a gap in the change log is asked for again before it is taken as a rollback.
GAP_PATIENCE = 120.0
#: Most gaps remembered; a bigger hole (a huge rolled-back import) is given up at once.
MAX_GAPS = 20_000
#: Refs read back per query while applying changes.
CHUNK = 500
#: Rows read per query while loading, and stored analyses written per transaction.
LOAD_PAGE = 5000
STORE_CHUNK = 1000
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
        #: Change-log entries seen so far (gaps filled late included): a row that may need a
        #: vector (a new or edited text) always writes one, see :class:`turn.index_jobs.IndexJobs`.
        self.changes_seen = 0
        self._gaps: dict[int, float] = {}
        self._clock = clock
        #: Analyses made here that storage does not hold yet: kind -> [(row id, blob)].
        self._fresh: dict[str, list[tuple[int, bytes]]] = {}

    async def load(self) -> MatchIndex:
        """Fill the index from storage, with the stored vectors and analyses.

        The change-log position is read first, so a change made while loading is applied again
        by the next :meth:`catch_up` rather than lost. Rows are read :data:`LOAD_PAGE` at a
        time (bounded memory); rows whose stored analysis is missing or stale (another lexicon,
        an edited text) are analysed and their analysis stored, so the next start is fast.
        The garbage collector waits meanwhile: its full passes over the growing index took a
        third of the loading time at 100,000 rows.
        """
        collecting = gc.isenabled()
        gc.disable()  # loading creates ~10 objects per row and frees none: nothing to collect
        try:
            async with self.uow() as uow:
                self.generation = await uow.matching.last_change()
                for kind in ("signal", "study"):
                    after = 0
                    while True:
                        rows = await uow.matching.searchable(kind, after=after, limit=LOAD_PAGE)
                        if not rows:
                            break
                        after = rows[-1].id
                        self._load_page(rows)
        finally:
            if collecting:
                gc.enable()
        await self.store_fresh()
        return self.index

    def _load_page(self, rows: Sequence[Searchable]) -> None:
        index = self.index
        ids: dict[tuple[str, str], int] = {}
        items = []
        for row in rows:
            doc = document(row)
            ids[row.kind, row.ref] = row.id
            items.append((doc, row.analysis, self._vector(row)))
        for doc, prepared in add_stored(index, items):
            self._remember(ids[doc.kind, doc.ref], doc, prepared)

    def _remember(self, row_id: int, doc: Document, prepared: Prepared) -> None:
        blob = self.index.pack(doc, prepared)
        if blob is not None:
            self._fresh.setdefault(doc.kind, []).append((row_id, blob))

    async def store_fresh(self) -> int:
        """Store the analyses made since the last call (see :meth:`load`); returns how many."""
        stored = 0
        while self._fresh:
            kind, items = self._fresh.popitem()
            for start in range(0, len(items), STORE_CHUNK):
                async with self.uow() as uow:
                    await uow.matching.store_analysis(kind, items[start : start + STORE_CHUNK])
                    await uow.commit()
            stored += len(items)
        return stored

    async def catch_up(self) -> int:
        """Apply every change written since the last call; returns how many rows changed."""
        applied = 0
        while True:
            async with self.uow() as uow:
                changes = await uow.matching.changes(self.generation, self._gaps.keys())
                if not changes:
                    break
                self.changes_seen += len(changes)
                applied += await self._apply_changes(uow, changes)
            if len(changes) < 5000:
                break
        self._forget_old_gaps()
        await self.store_fresh()
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

    def _vector(self, row: Searchable) -> bytes | None:
        encoder = self.index.encoder
        if encoder is not None and row.vector is not None and row.vector_model == encoder.name:
            return row.vector
        return None

    def _apply(self, row: Searchable) -> bool:
        """Index one row unless the index already holds it as stored; True when it changed."""
        index = self.index
        doc = document(row)
        vector = self._vector(row)
        if index.get(row.kind, row.ref) == doc:
            if vector is not None and not index.has_vector(row.kind, row.ref):
                return index.set_vector(row.kind, row.ref, vector)
            return False
        prepared = index.unpack(doc, row.analysis)
        if prepared is None:
            prepared = index.prepare(doc)
            self._remember(row.id, doc, prepared)
        index.add(doc, vector, prepared)
        return True

    def _forget_old_gaps(self) -> None:
        if not self._gaps:
            return
        limit = self._clock() - GAP_PATIENCE
        for change_id in [i for i, at in self._gaps.items() if at < limit]:
            del self._gaps[change_id]
