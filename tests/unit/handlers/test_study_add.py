"""The research desk adds a study in the chat: the catalogue, the intake and the news loop.

Real runtime, real index, real change log and the real study-news round; nothing is faked.
"""

from __future__ import annotations

from bot.bootstrap import Runtime
from cycle.study_news import news_key
from cycle.summary import collect_summary
from kernel.core import Form, Reply, Submit
from tests.helpers import say, texts
from tests.unit.handlers.util import report_new_signal, report_signal, with_role

ARMOEDE = "Steeds meer gezinnen in Woensel komen niet rond en melden zich bij de voedselbank."
STUDY = {
    "title": "Rondkomen in Eindhoven",
    "summary": "Hoeveel huishoudens komen niet rond, wie gaat naar de voedselbank, en welke "
    "gezinnen lopen achter met vaste lasten.",
    "url": "https://example.org/rondkomen",
    "year": "2026",
    "source": "Gemeente Eindhoven, team Onderzoek",
    "status": "finished",
}


def form_of(replies: list[Reply]) -> Form:
    forms = [b for r in replies for b in r.blocks if isinstance(b, Form)]
    assert len(forms) == 1, replies
    return forms[0]


async def news(runtime: Runtime) -> dict[int, str]:
    async with runtime.services.uow() as uow:
        rows = await uow.outbox.find(limit=1000)
    return {
        m.person_id: Reply.model_validate(m.payload).plain_text
        for m in rows
        if m.key.startswith("study-news:")
    }


async def test_a_study_added_in_the_chat_reaches_reporters_the_intake_and_the_summary(
    runtime: Runtime,
) -> None:
    bot = runtime.bot
    desk = await with_role(bot, "dana", "research_desk")
    anna = await with_role(bot, "anna", "professional")
    bo = await with_role(bot, "bo", "professional", locale="en")
    await report_new_signal(bot, anna, ARMOEDE)
    await runtime.index_jobs.run_once()

    form = form_of(await say(bot, desk, "onderzoek toevoegen"))
    assert [i.name for i in form.inputs] == ["title", "summary", "url", "year", "source", "status"]
    saved = await bot.handle(desk, Submit(form_id=form.form_id, values=STUDY))
    assert texts(saved).startswith("Onderzoek O-2026-0001 staat in de catalogus")

    for _ in range(3):  # vectors, the change log, then the news
        await runtime.index_jobs.run_once()
    async with runtime.services.uow() as uow:
        anna_id = (await uow.people.find_by_identity("console", "anna")).id  # type: ignore[union-attr]
        study = await uow.studies.get_by_ref("O-2026-0001")
        assert study is not None and study.source == STUDY["source"]
        year, week, _ = runtime.services.clock.now().isocalendar()
        summary = await collect_summary(uow, runtime.services, year, week)
        told_count = await uow.summary_queries.outbox_count(news_key("O-2026-0001"))
    told = await news(runtime)
    assert set(told) == {anna_id}
    assert "Rondkomen in Eindhoven" in told[anna_id] and STUDY["url"] in told[anna_id]
    assert summary.new_studies == [("O-2026-0001", "Rondkomen in Eindhoven", told_count)]
    assert told_count == 1

    # The next reporter with a signal like it sees the study while reporting.
    shown = await report_signal(
        bot, bo, "Gezinnen in Woensel komen niet rond en lopen achter met hun vaste lasten."
    )
    assert "Rondkomen in Eindhoven" in texts(shown)


async def test_the_form_checks_link_year_doubles_and_personal_data_and_keeps_the_text(
    sqlite_runtime: Runtime,
) -> None:
    bot = sqlite_runtime.bot
    desk = await with_role(bot, "dana", "research_desk")
    t = bot.services.translator("nl")
    first = await bot.handle(desk, Submit(form_id="study.new", values=STUDY))
    assert "O-2026-0001" in texts(first)

    bad = {
        **STUDY,
        "title": "  rondkomen in EINDHOVEN ",
        "url": "www.example.org",
        "year": "20266",
        "summary": "Gesprekken met mevrouw Jansen, BSN 123456782, over haar schulden.",
    }
    refused = await bot.handle(desk, Submit(form_id="study.new", values=bad))
    errors = refused[0].errors
    assert errors["title"] == t("studies.title_exists", ref="O-2026-0001")
    assert errors["url"] == t("core.field_url")
    assert errors["year"] == t("core.field_year")
    assert "summary" in errors  # the privacy guard: a BSN never enters the catalogue
    async with bot.services.uow() as uow:
        assert [s.ref for s in await uow.studies.all() if s.ref.startswith("O-")] == ["O-2026-0001"]

    second = await bot.handle(
        desk, Submit(form_id="study.new", values={**STUDY, "title": "Rondkomen 2027"})
    )
    assert "O-2026-0002" in texts(second)


async def test_only_the_research_desk_and_the_programme_leader_add_studies(
    sqlite_runtime: Runtime,
) -> None:
    bot = sqlite_runtime.bot
    anna = await with_role(bot, "anna", "professional")
    leader = await with_role(bot, "lea", "programme_leader", locale="en")
    refused = await say(bot, anna, "onderzoek toevoegen")
    assert not [b for r in refused for b in r.blocks if isinstance(b, Form)]
    sneaked = await bot.handle(anna, Submit(form_id="study.new", values=STUDY))
    assert "O-2026" not in texts(sneaked)
    form = form_of(await say(bot, leader, "add study"))
    assert form.title == "Add a study"
    saved = await bot.handle(leader, Submit(form_id="study.new", values=STUDY))
    assert texts(saved).startswith("Study O-2026-0001 is in the catalogue")


async def test_help_names_the_command_for_the_keepers_only(sqlite_runtime: Runtime) -> None:
    bot = sqlite_runtime.bot
    desk = await with_role(bot, "dana", "research_desk")
    anna = await with_role(bot, "anna", "professional")
    assert "onderzoek toevoegen" in texts(await say(bot, desk, "help"))
    assert "onderzoek toevoegen" not in texts(await say(bot, anna, "help"))
