"""A withdrawn signal leaves every instance's index, and a matchable one comes back.

Why: issue 15 promises one index for every instance. A signal the reporter withdrew
(``ingetrokken``) used to stay in the other instances' indexes, since its status was no column
of the change-log triggers, and came back at every start, since the loader skipped only merged
signals. Migration 0011 logs a status change; the loader and the follower share one rule
(``storage.repositories.signals.matchable``). Real pipeline, real runtimes (each its own engine
and index), real index; on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command

from bot.bootstrap import Runtime, bootstrap
from handlers.triage import TRANSITIONS
from kernel.clock import ManualClock
from kernel.core import Action, Reply
from matching import MatchIndex
from storage.db import Database, alembic_config, upgrade
from storage.domain import NewSignal
from storage.uow import unit_of_work
from tests.conftest import make_settings
from tests.helpers import person, say, texts
from tests.unit.handlers.util import report_new_signal, report_signal
from turn.index_sync import IndexSync
from turn.search_index import new_index

TEXT = "Steeds meer ouderen wachten lang op een traplift via de Wmo."
AGAIN = "Ouderen wachten erg lang op een traplift via de Wmo, ook in Strijp."
REF = "S-2026-0001"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def found(index: MatchIndex, query: str) -> set[str]:
    return {m.ref for m in index.search(query, "signal")}


def offered(replies: list[Reply]) -> str:
    """Everything the reporter is shown, button values included."""
    values = [
        b.value
        for r in replies
        for block in r.blocks
        for b in getattr(block, "buttons", ())
        if isinstance(b.value, str)
    ]
    return texts(replies) + "\n" + "\n".join(values)


async def test_a_withdrawn_signal_leaves_the_other_instance_within_one_round_and_at_start(
    runtime: Runtime, db_url: str, clock: ManualClock
) -> None:
    here = runtime  # the instance the reporter talks to
    other = await bootstrap(make_settings(db_url), clock)  # another process: own engine, index
    try:
        anna = person("anna")
        await report_new_signal(here.bot, anna, TEXT)
        await other.index_jobs.run_once()
        assert REF in found(other.services.matcher, AGAIN), "the other instance never saw it"

        await say(here.bot, anna, f"intrekken {REF}")
        await here.bot.handle(anna, Action(action_id="signal.withdraw.yes", value=REF))
        async with here.services.uow() as uow:
            signal = await uow.signals.get_by_ref(REF)
        assert signal is not None and signal.status == "ingetrokken"
        assert REF not in found(here.services.matcher, AGAIN)
        await here.index_jobs.run_once()  # its own follow round does not bring it back
        assert REF not in found(here.services.matcher, AGAIN)

        await other.index_jobs.run_once()  # one follow round
        assert ("signal", REF) not in other.services.matcher
        assert REF not in found(other.services.matcher, AGAIN)
        # and someone reporting the same thing there is not offered the withdrawn signal
        shown = offered(await report_signal(other.bot, person("bo"), AGAIN))
        assert REF not in shown
    finally:
        await other.close()

    fresh = await bootstrap(make_settings(db_url), clock)  # a restart
    try:
        assert ("signal", REF) not in fresh.services.matcher
        assert REF not in found(fresh.services.matcher, AGAIN)
    finally:
        await fresh.close()


async def last_change(db: Database) -> int:
    async with unit_of_work(db) as uow:
        return await uow.matching.last_change()


async def set_status(db: Database, ref: str, status: str) -> None:
    """As any writer may (a script, SQL by hand): no handler reopens a withdrawn signal."""
    async with unit_of_work(db) as uow:
        signal = await uow.signals.get_by_ref(ref)
        assert signal is not None
        await uow.signals.set_status(signal.id, status, "", NOW)
        await uow.commit()


async def test_a_signal_that_becomes_matchable_again_comes_back_everywhere(db_url: str) -> None:
    assert TRANSITIONS["ingetrokken"] == ()  # the domain never reopens one; a writer still may
    upgrade(db_url)
    writer, reader_db = Database(db_url), Database(db_url)
    reader = IndexSync(lambda: unit_of_work(reader_db), new_index(0))
    try:
        async with unit_of_work(writer) as uow:
            await uow.signals.add(NewSignal(ref="W-1", text=TEXT), NOW)
            await uow.signals.add(NewSignal(ref="W-2", text="Mantelzorgers raken overbelast"), NOW)
            await uow.commit()
        await reader.load()
        assert {"W-1"} <= found(reader.index, AGAIN)

        await set_status(writer, "W-1", "ingetrokken")
        assert await reader.catch_up() == 1
        assert ("signal", "W-1") not in reader.index and ("signal", "W-2") in reader.index
        await set_status(writer, "W-2", "in_behandeling")  # logged, but nothing to change
        assert await reader.catch_up() == 0
        assert await starts_with(db_url) == {"W-2"}

        await set_status(writer, "W-1", "nieuw")
        assert await reader.catch_up() == 1
        assert "W-1" in found(reader.index, AGAIN)
        assert await starts_with(db_url) == {"W-1", "W-2"}
    finally:
        await writer.dispose()
        await reader_db.dispose()


async def starts_with(url: str) -> set[str]:
    """The signal refs an instance started now indexes."""
    db = Database(url)
    try:
        sync = IndexSync(lambda: unit_of_work(db), new_index(0))
        await sync.load()
        return {ref for ref in ("W-1", "W-2") if ("signal", ref) in sync.index}
    finally:
        await db.dispose()


async def test_0011_logs_a_status_change_and_goes_back_to_0010(db_url: str) -> None:
    upgrade(db_url)
    db = Database(db_url)
    try:
        async with unit_of_work(db) as uow:
            await uow.signals.add(NewSignal(ref="M-1", text=TEXT), NOW)
            await uow.commit()
        before = await last_change(db)
        await set_status(db, "M-1", "ingetrokken")
        assert await last_change(db) > before

        await db.dispose()
        command.downgrade(alembic_config(db_url), "0010")
        db = Database(db_url)
        before = await last_change(db)
        await set_status(db, "M-1", "nieuw")
        assert await last_change(db) == before, (
            "the downgrade left a trigger that logs a status change"
        )
        async with unit_of_work(db) as uow:  # the other columns are still watched
            signal = await uow.signals.get_by_ref("M-1")
            assert signal is not None
            await uow.signals.set_text(signal.id, AGAIN, NOW)
            await uow.commit()
        assert await last_change(db) > before

        await db.dispose()
        upgrade(db_url)
        db = Database(db_url)
        before = await last_change(db)
        await set_status(db, "M-1", "ingetrokken")
        assert await last_change(db) > before
    finally:
        await db.dispose()
