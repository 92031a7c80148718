"""Many writers at once on one database: nothing lost, every reference distinct.

Why several ``Database`` objects: each has its own engine and pool, as separate processes
(``serve`` and a ``chat`` beside it) would on one SQLite file or one PostgreSQL server.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import insert

from kernel.core import Reply
from storage.db import Database, make_sync_engine, upgrade
from storage.domain import NewSignal
from storage.models import ResearchQuestionRow, SignalRow
from storage.uow import unit_of_work
from tests.conftest import START
from tests.helpers import person, texts
from tests.unit.handlers.util import report_new_signal
from turn.pipeline import Signaalbot

WRITERS = 40


async def _write_one(db: Database, i: int) -> tuple[str, str]:
    """A typical unit of work: read first, then write a signal and a question, then commit."""
    async with unit_of_work(db) as uow:
        await uow.signals.count()
        signal = await uow.signals.add(NewSignal(text=f"Signaal nummer {i}"), START)
        await uow.conversations.put("console", f"p{i}", "test", {"i": i}, START)
        question = await uow.questions.add(question=f"Vraag {i}", now=START)
        await uow.commit()
    return signal.ref, question.ref


async def test_concurrent_writers_on_several_engines_lose_nothing(db_url: str) -> None:
    upgrade(db_url)
    databases = [Database(db_url) for _ in range(4)]
    try:
        refs = await asyncio.gather(
            *(_write_one(databases[i % len(databases)], i) for i in range(WRITERS))
        )
        async with unit_of_work(databases[0]) as uow:
            stored = await uow.signals.count()
    finally:
        for db in databases:
            await db.dispose()
    signal_refs = {s for s, _ in refs}
    question_refs = {q for _, q in refs}
    assert stored == WRITERS
    assert signal_refs == {f"S-2026-{n:04d}" for n in range(1, WRITERS + 1)}
    assert question_refs == {f"V-2026-{n:04d}" for n in range(1, WRITERS + 1)}


async def test_numbering_has_no_digit_cliff(bot: Signaalbot) -> None:
    async with bot.services.uow() as uow:
        await uow.signals.upsert_imported(NewSignal(ref="S-2026-9999", text="geïmporteerd"), START)
        after = [(await uow.signals.add(NewSignal(text=f"nieuw {i}"), START)).ref for i in range(2)]
        await uow.commit()
    assert after == ["S-2026-10000", "S-2026-10001"]


async def test_imported_refs_never_break_the_numbering(bot: Signaalbot) -> None:
    odd = ["S-2026-00003", "s-2026-abc", "S-2026-", "X-1", "S-2026-99999999999999999", "ж" * 90]
    async with bot.services.uow() as uow:
        first = await uow.signals.add(NewSignal(text="eerste"), START)
        for ref in odd:
            await uow.signals.upsert_imported(NewSignal(ref=ref, text="oud"), START)
        # looks like ours, lower case: lookups ignore case, so this number is taken as well
        await uow.signals.upsert_imported(NewSignal(ref="s-2026-0005", text="oud"), START)
        await uow.signals.upsert_imported(NewSignal(ref="S-2025-0100", text="vorig jaar"), START)
        later = [(await uow.signals.add(NewSignal(text=f"n{i}"), START)).ref for i in range(2)]
        last_year = await uow.signals.add(NewSignal(text="oud jaar"), START - timedelta(days=365))
        await uow.commit()
        assert await uow.signals.count() == 3 + len(odd) + 3
    assert first.ref == "S-2026-0001"
    assert later == ["S-2026-0006", "S-2026-0007"]
    assert last_year.ref == "S-2025-0101"


async def test_a_number_taken_behind_the_counters_back_is_skipped(bot: Signaalbot) -> None:
    async with bot.services.db.session() as session:  # straight into the table, as a script would
        await session.execute(
            insert(SignalRow).values(
                ref="S-2026-0001", text="met de hand", created_at=START, updated_at=START
            )
        )
        await session.commit()
    async with bot.services.uow() as uow:
        signal = await uow.signals.add(NewSignal(text="nieuw"), START)
        await uow.commit()
    assert signal.ref == "S-2026-0002"


def test_migration_starts_the_counter_after_existing_refs(db_url: str) -> None:
    upgrade(db_url, "0005")
    engine = make_sync_engine(db_url)
    try:
        with engine.begin() as connection:
            for ref in ("S-2026-0041", "S-2026-12345", "S-2026-abc"):
                connection.execute(
                    insert(SignalRow).values(ref=ref, text="t", created_at=START, updated_at=START)
                )
            for ref in ("V-2026-0007", "V-2025-0002", "V-2026-7"):
                connection.execute(
                    insert(ResearchQuestionRow).values(
                        ref=ref, question="v", weighing={}, created_at=START, updated_at=START
                    )
                )
    finally:
        engine.dispose()
    upgrade(db_url)

    async def next_refs() -> tuple[str, str, str]:
        db = Database(db_url)
        try:
            async with unit_of_work(db) as uow:
                s = await uow.signals.add(NewSignal(text="nieuw"), START)
                v = await uow.questions.add(question="nieuw", now=START)
                old = await uow.questions.add(question="oud", now=START - timedelta(days=365))
                await uow.commit()
        finally:
            await db.dispose()
        return s.ref, v.ref, old.ref

    assert asyncio.run(next_refs()) == ("S-2026-12346", "V-2026-0008", "V-2025-0003")


@pytest.mark.parametrize("people", [20])
async def test_people_reporting_at_once_all_hear_their_confirmation(
    bot: Signaalbot, people: int
) -> None:
    """The issue's load probe in miniature: the real pipeline, everyone in the same moment."""
    t = bot.services.translator("nl")
    themes = ["schulden", "wachtlijst jeugdhulp", "eenzaamheid", "traplift", "taalles"]

    async def report(i: int) -> list[Reply]:
        text = f"Melding {i}: steeds vaker {themes[i % len(themes)]} bij groep {i} in de wijk."
        return await report_new_signal(bot, person(f"prof{i}"), text)

    answers = await asyncio.gather(*(report(i) for i in range(people)))
    async with bot.services.uow() as uow:
        signals = await uow.signals.find(limit=1000)
    assert len(signals) == people
    refs = {s.ref for s in signals}
    assert len(refs) == people
    for i, replies in enumerate(answers):
        said = texts(replies)
        assert t("core.db_unavailable") not in said
        mine = [s.ref for s in signals if s.text.startswith(f"Melding {i}:")]
        assert len(mine) == 1 and mine[0] in said
