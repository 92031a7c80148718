"""The index's round looks for rows without a vector only when some may have appeared.

Why: looking is a scan of the signal table when nothing is missing (tens of ms at 100,000
signals), and every instance ran it every second. A new or edited text always writes the change
log (the triggers of migration 0008), so the round looks at start and after the log moved; a
backlog goes on because the stored vectors write the log too. Real databases, real engines per instance; the statements are counted
at the driver.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy import event

from matching import E5Encoder, Encoder
from storage.db import Database, upgrade
from storage.domain import NewSignal
from storage.uow import unit_of_work
from tests.unit.matching.test_bulk import TinyEncoder
from turn.index_jobs import IndexJobs
from turn.index_sync import IndexSync
from turn.search_index import new_index

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Instance:
    """One process's engine, index and round."""

    def __init__(self, url: str, encoder: Encoder | None = None, per_round: int = 64) -> None:
        self.db = Database(url)
        self.sync = IndexSync(lambda: unit_of_work(self.db), new_index(0, encoder))
        self.jobs = IndexJobs(self.sync, per_round=per_round)
        self.looks = 0

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if "vector_model" in statement and "FROM signal" in statement:
                self.looks += 1

        event.listen(self.db.engine.sync_engine, "before_cursor_execute", count)


@contextmanager
def instances(*made: Instance) -> Iterator[None]:
    try:
        yield
    finally:
        for one in made:
            one.db.engine.sync_engine.dispose()


async def add(db: Database, *texts: str) -> list[str]:
    async with unit_of_work(db) as uow:
        refs = [(await uow.signals.add(NewSignal(text=t), NOW)).ref for t in texts]
        await uow.commit()
    return refs


async def test_idle_rounds_do_not_look_and_a_new_signal_gets_its_vector(db_url: str) -> None:
    upgrade(db_url)
    here, writer = Instance(db_url, E5Encoder()), Instance(db_url)
    with instances(here, writer):
        await here.sync.load()
        await here.jobs.run_once()
        assert here.looks >= 1, "the first round looks (a new encoder, rows from before)"
        here.looks = 0
        for _ in range(3):
            await here.jobs.run_once()
        assert here.looks == 0, "nothing changed: no scan"

        [ref] = await add(writer.db, "Ouderen in Stratum zijn eenzaam sinds de bieb dicht is")
        for _ in range(2):  # one round applies the change, the next makes the vector
            await here.jobs.run_once()
        assert here.sync.index.has_vector("signal", ref)
        await here.jobs.run_once()  # the vector's own change is applied
        here.looks = 0
        for _ in range(3):
            await here.jobs.run_once()
        assert here.looks <= 1 and here.sync.index.has_vector("signal", ref)

        async with unit_of_work(writer.db) as uow:  # an edit clears the vector
            signal = await uow.signals.get_by_ref(ref)
            assert signal is not None
            await uow.signals.set_text(signal.id, signal.text + " Ook in Woensel.", NOW)
            await uow.commit()
        for _ in range(3):
            await here.jobs.run_once()
        async with unit_of_work(writer.db) as uow:
            assert await uow.matching.count_unembedded(E5Encoder().name) == 0


async def test_a_backlog_is_worked_through_round_after_round(db_url: str) -> None:
    upgrade(db_url)
    writer = Instance(db_url)
    with instances(writer):
        await add(writer.db, *(f"Signaal nummer {n} over wachtlijsten" for n in range(25)))
        here = Instance(db_url, TinyEncoder(), per_round=10)
        with instances(here):
            await here.sync.load()
            await here.jobs.run_once()  # the first round makes 10
            await here.jobs.run_once()  # their vectors moved the log: 10 more
            await here.jobs.run_once()
            async with unit_of_work(here.db) as uow:
                assert await uow.matching.count_unembedded(TinyEncoder.name) == 0


class FailsOnce(TinyEncoder):
    """Encodes like TinyEncoder, but the first call fails (the database or the model away)."""

    def __init__(self) -> None:
        self.failed = False

    def encode(self, texts: Sequence[str], *, query: bool = False) -> NDArray[np.float32]:
        if not self.failed:
            self.failed = True
            raise ConnectionError("away for a moment")
        return super().encode(texts, query=query)


async def test_a_failed_look_is_tried_again_at_the_next_round(db_url: str) -> None:
    upgrade(db_url)
    writer = Instance(db_url)
    with instances(writer):
        [ref] = await add(writer.db, "Mantelzorgers raken overbelast")
        here = Instance(db_url, FailsOnce())
        with instances(here):
            await here.sync.load()
            with pytest.raises(ConnectionError):
                await here.jobs.run_once()
            await here.jobs.run_once()  # nothing new in the log, but the last look failed
            await here.jobs.run_once()
            assert here.sync.index.has_vector("signal", ref)
