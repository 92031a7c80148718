"""Closing the study loop: a new study is told once, in each person's language."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.bootstrap import Runtime, bootstrap
from cycle.study_news import announce_new_studies, news_key
from cycle.summary import collect_summary
from cycle.summary_render import summary_sections
from kernel.clock import ManualClock
from kernel.core import Reply
from storage.db import upgrade
from storage.domain import NewSignal
from tests.conftest import make_settings

ARMOEDE = "Steeds meer gezinnen in Woensel komen niet rond en melden zich bij de voedselbank"


@pytest.fixture
async def news_bot(db_url: str, clock: ManualClock) -> AsyncIterator[Runtime]:
    upgrade(db_url)
    runtime = await bootstrap(make_settings(db_url), clock)
    try:
        yield runtime
    finally:
        await runtime.close()


async def person(bot: Runtime, name: str, locale: str) -> int:
    async with bot.services.uow() as uow:
        found = await uow.people.create(
            platform="console",
            user_id=name,
            now=bot.services.clock.now(),
            display_name=name,
            roles=frozenset({"professional"}),
            locale=locale,
        )
        await uow.commit()
    return found.id


async def messages(bot: Runtime) -> dict[int, str]:
    async with bot.services.uow() as uow:
        rows = await uow.outbox.find(limit=1000)
    return {
        m.person_id: Reply.model_validate(m.payload).plain_text
        for m in rows
        if m.key.startswith("study-news:")
    }


async def test_reporters_supporters_and_askers_are_told_once(
    news_bot: Runtime, clock: ManualClock
) -> None:
    anna = await person(news_bot, "anna", "nl")
    bo = await person(news_bot, "bo", "en")
    carol = await person(news_bot, "carol", "nl")
    dave = await person(news_bot, "dave", "nl")
    now = clock.now()
    async with news_bot.services.uow() as uow:
        poor = await uow.signals.add(NewSignal(text=ARMOEDE, reporter_id=anna), now)
        await uow.signals.add_support(poor.id, bo, "municipality", "", now)
        await uow.signals.add(
            NewSignal(
                text="De lantaarnpalen op het fietspad langs het kanaal gaan te vroeg uit",
                reporter_id=dave,
            ),
            now,
        )
        await uow.questions.add(
            question="Hoeveel gezinnen in Eindhoven hebben moeite om rond te komen?",
            now=now,
            requester_id=carol,
        )
        await uow.commit()
    jobs = news_bot.index_jobs
    await jobs.run_once()
    async with news_bot.services.uow() as uow:  # as `signaalbot import studies` writes it
        await uow.studies.upsert(
            ref="ehv-rondkomen-2026",
            title="Rondkomen in Eindhoven",
            summary="Hoeveel huishoudens komen niet rond, wie gaat naar de voedselbank, "
            "en welke gezinnen lopen achter met vaste lasten.",
            url="https://example.org/rondkomen",
            now=now,
        )
        await uow.commit()
    for _ in range(3):  # vectors, the change log, then the news
        await jobs.run_once()
    told = await messages(news_bot)
    assert set(told) == {anna, bo, carol}, told
    assert "nieuw onderzoek" in told[anna] and "Rondkomen in Eindhoven" in told[anna]
    assert "https://example.org/rondkomen" in told[anna]
    assert "new study" in told[bo]
    assert await announce_new_studies(news_bot.services, clock.now()) == 0
    await jobs.run_once()
    assert await messages(news_bot) == told  # once

    async with news_bot.services.uow() as uow:
        year, week, _ = now.isocalendar()
        summary = await collect_summary(uow, news_bot.services, year, week)
        assert await uow.summary_queries.outbox_count(news_key("ehv-rondkomen-2026")) == 3
    assert summary.new_studies == [("ehv-rondkomen-2026", "Rondkomen in Eindhoven", 3)]
    lines = [
        line
        for _, body in summary_sections(summary, news_bot.services.translator("nl"))
        for line in body
    ]
    assert "• Rondkomen in Eindhoven (ehv-rondkomen-2026): 3 mensen op de hoogte gebracht" in lines


async def test_a_study_nobody_needs_is_announced_to_no_one(
    news_bot: Runtime, clock: ManualClock
) -> None:
    anna = await person(news_bot, "anna", "nl")
    async with news_bot.services.uow() as uow:
        await uow.signals.add(NewSignal(text=ARMOEDE, reporter_id=anna), clock.now())
        await uow.studies.upsert(
            ref="st-bomen", title="Bomen in de binnenstad", summary="Een telling.", now=clock.now()
        )
        await uow.commit()
    jobs = news_bot.index_jobs
    for _ in range(3):
        await jobs.run_once()
    assert await messages(news_bot) == {}
    async with news_bot.services.uow() as uow:
        assert await uow.studies.unannounced() == []
