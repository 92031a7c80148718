"""Focused tests of the intake handlers: form checks, privacy guard, bad input, support,
merge, triage feedback, weighing order, views, admin and drafts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from kernel.clock import ManualClock
from kernel.core import Action, Reply, Submit
from matching import Prepared
from tests.conftest import make_settings
from tests.helpers import bootstrap_bot, person, say, texts
from tests.unit.handlers.util import report_new_signal, report_signal, with_role
from turn.pipeline import Signaalbot

TEXT = "Steeds meer ouderen wachten lang op een traplift via de Wmo."


def errors(replies: list[Reply]) -> dict[str, str]:
    return {k: v for r in replies for k, v in r.errors.items()}


async def outbox_texts(bot: Signaalbot, name: str) -> str:
    async with bot.services.uow() as uow:
        who = await uow.people.find_by_identity("console", name)
        assert who is not None
        messages = [m for m in await uow.outbox.find(limit=1000) if m.person_id == who.id]
    return "\n".join(Reply.model_validate(m.payload).plain_text for m in messages)


async def signal_count(bot: Signaalbot) -> int:
    async with bot.services.uow() as uow:
        return await uow.signals.count()


# --- the form and bad input ----------------------------------------------------------------


async def test_form_offers_every_field_prefilled_org_type(sqlite_bot: Signaalbot) -> None:
    guest = await with_role(sqlite_bot, "gast", "provider")
    form = (await say(sqlite_bot, guest, "signaal"))[0].form
    assert form is not None
    assert [i.name for i in form.inputs] == [
        "text",
        "theme",
        "subdomain",
        "affected",
        "area",
        "since",
        "frequency",
        "org_type",
    ]
    by_name = {i.name: i for i in form.inputs}
    assert by_name["org_type"].initial == "provider"
    assert by_name["area"].options[0].value == "hele-gemeente"
    assert {o.value for o in by_name["area"].options} >= {"centrum", "gestel"}
    assert [o.value for o in by_name["since"].options] == ["lt3m", "3to12m", "gt1y"]


async def test_empty_and_too_long_text_are_refused_kindly(sqlite_bot: Signaalbot) -> None:
    anna = person("anna")
    t = sqlite_bot.services.translator("nl")
    assert errors(await report_signal(sqlite_bot, anna, "")) == {"text": t("core.field_required")}
    long = "a" * 10_000
    assert errors(await report_signal(sqlite_bot, anna, long))["text"] == t(
        "core.field_too_long", max=2000, length=10_000
    )
    assert errors(await report_signal(sqlite_bot, anna, "te kort"))["text"].startswith(
        "Dit is te kort"
    )
    assert await signal_count(sqlite_bot) == 0


async def test_english_person_gets_english_errors(sqlite_bot: Signaalbot) -> None:
    en = person("emma", locale="en")
    assert "This is too long" in errors(await report_signal(sqlite_bot, en, "b" * 10_000))["text"]


async def test_personal_data_is_refused_masked_and_nothing_stored(sqlite_bot: Signaalbot) -> None:
    anna = person("anna")
    text = "Cliënt met BSN 111222333 wacht al maanden op hulp, mail a.jansen@example.nl."
    found = errors(await report_signal(sqlite_bot, anna, text, affected="zie a.jansen@example.nl"))
    assert set(found) == {"text", "affected"}
    assert "[BSN]" in found["text"] and "111222333" not in found["text"]
    assert "example.nl" not in found["affected"]
    assert "wacht al maanden op hulp" in found["text"]  # the rest of their text comes back
    assert await signal_count(sqlite_bot) == 0
    async with sqlite_bot.services.uow() as uow:
        audit = await uow.audit.by_actor(1)
    assert "111222333" not in str(audit)


async def test_emoji_and_markup(sqlite_bot: Signaalbot) -> None:
    anna = person("anna")
    replies = await report_signal(
        sqlite_bot,
        anna,
        "<!channel> Jongeren 👀 haken af bij <b>schuldhulp</b> na de eerste afspraak 😟",
    )
    assert "S-2026-0001" in texts(replies)
    assert sqlite_bot.services.translator("nl")("signals.markup_removed") in texts(replies)
    async with sqlite_bot.services.uow() as uow:
        signal = await uow.signals.get_by_ref("S-2026-0001")
    assert signal is not None
    assert "<" not in signal.text and "👀" in signal.text and "schuldhulp" in signal.text


async def test_markup_only_text_is_too_short(sqlite_bot: Signaalbot) -> None:
    replies = await report_signal(sqlite_bot, person("anna"), "<!channel> <b></b> <i></i> <u></u>")
    assert "text" in errors(replies)
    assert await signal_count(sqlite_bot) == 0


async def test_unknown_reference_everywhere(sqlite_bot: Signaalbot) -> None:
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    t = sqlite_bot.services.translator("nl")
    for text in (
        "status S-2099-9999",
        "herken S-2099-9999",
        "triage S-2099-9999",
        "status <!here>",
    ):
        out = texts(await say(sqlite_bot, desk, text))
        assert "kan geen signaal vinden" in out, text
        assert "<!here>" not in out
    assert t("intake.question_not_found", ref="V-2099-0001") in texts(
        await say(sqlite_bot, desk, "afweging V-2099-0001")
    )
    assert texts(await say(sqlite_bot, desk, "status")) == t("intake.ref_missing")


async def test_action_on_someone_elses_item(sqlite_bot: Signaalbot) -> None:
    await report_signal(sqlite_bot, person("anna"), TEXT)
    bo = person("bo")
    t = sqlite_bot.services.translator("nl")
    assert texts(await say(sqlite_bot, bo, "intrekken S-2026-0001")) == t(
        "intake.not_yours", ref="S-2026-0001"
    )
    guest = await with_role(sqlite_bot, "gast", "provider")
    out = texts(
        await sqlite_bot.handle(guest, Action(action_id="signal.support", value="S-2026-0001"))
    )
    assert "kan geen signaal vinden" in out  # not shared with guests: as if it does not exist
    assert texts(await say(sqlite_bot, person("anna"), "intrekken S-2026-0001")).startswith(
        "Signaal S-2026-0001 intrekken?"
    )


# --- drafts --------------------------------------------------------------------------------


async def test_half_filled_form_survives_a_restart(sqlite_url: str, clock: ManualClock) -> None:
    anna = person("anna")
    first = await bootstrap_bot(make_settings(sqlite_url), clock=clock)
    drafts = first.state
    assert await drafts.save_draft(
        anna.platform, anna.user_id, "signal.report", {"text": "Half af", "area": "stratum"}
    )
    # Only masked text is ever kept as a draft.
    assert await drafts.save_draft(
        anna.platform, anna.user_id, "question.new", {"question": "Cliënt BSN 111222333"}
    )
    assert await drafts.load_draft(anna.platform, anna.user_id, "question.new") == {
        "question": "Cliënt BSN [BSN]"
    }
    await first.services.db.dispose()
    second = await bootstrap_bot(make_settings(sqlite_url), clock=clock)
    try:
        form = (await say(second, anna, "signaal"))[0].form
        assert form is not None
        initial = {i.name: i.initial for i in form.inputs}
        assert initial["text"] == "Half af" and initial["area"] == "stratum"
    finally:
        await second.services.db.dispose()


# --- matching hook -------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    kind: str
    ref: str
    title: str
    score: float
    duplicate: bool


@pytest.fixture
async def with_matcher(
    sqlite_bot: Signaalbot,
) -> AsyncIterator[Callable[[Any], Awaitable[Signaalbot]]]:
    """A second bot on the same database, bootstrapped with a fake matcher (the index is a
    part of the frozen runtime, so a test swaps it by building the runtime with it)."""
    built: list[Signaalbot] = []

    async def build(matcher: Any) -> Signaalbot:
        bot = await bootstrap_bot(sqlite_bot.settings, sqlite_bot.services.clock, matcher=matcher)
        built.append(bot)
        return bot

    yield build
    for bot in built:
        await bot.services.db.dispose()


class FakeMatcher:
    """Stands in for matching.MatchIndex at the edge: records what the handlers ask."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits
        self.searches: list[tuple[str, str, int]] = []
        self.removed: list[tuple[str, str]] = []

    def encode_query(self, text: str) -> None:
        return None

    def search(
        self, text: str, kind: str = "signal", limit: int = 5, vector: object = None
    ) -> list[Hit]:
        self.searches.append((text, kind, limit))
        return [h for h in self.hits if h.kind == kind][:limit]

    def worth_showing(self, hit: Hit) -> bool:
        return True

    def prepare(self, document: object) -> Prepared:
        return Prepared(weights={}, repeated=(), fuzzy="", words=())

    def pack(self, document: object, prepared: Prepared) -> None:
        return None  # no analyser here: nothing is stored with the signal

    def add(self, document: object, vector: object = None, prepared: object = None) -> None:
        pass

    def remove(self, kind: str, ref: str) -> None:
        self.removed.append((kind, ref))


async def test_similar_signal_offered_and_supported_instead(
    sqlite_bot: Signaalbot, with_matcher: Callable[[Any], Awaitable[Signaalbot]]
) -> None:
    await report_signal(sqlite_bot, person("anna"), TEXT)
    matcher = FakeMatcher(
        [
            Hit("signal", "S-2026-0001", TEXT[:80], 91.0, True),
            Hit("study", "R-7", "Wmo-monitor", 60, False),
        ]
    )
    sqlite_bot = await with_matcher(matcher)
    bo = person("bo")
    replies = await report_signal(
        sqlite_bot, bo, "Ouderen wachten heel lang op een traplift via Wmo."
    )
    buttons = [b for r in replies for blk in r.blocks if blk.type == "buttons" for b in blk.buttons]
    assert [b.action_id for b in buttons] == [
        "signal.match.support",
        "signal.match.answered",
        "signal.match.new",
    ]
    assert ("Ouderen wachten heel lang op een traplift via Wmo.", "signal", 3) in matcher.searches
    assert any(kind == "study" and limit == 2 for _, kind, limit in matcher.searches)
    assert await signal_count(sqlite_bot) == 1  # waiting for the answer
    out = texts(
        await sqlite_bot.handle(bo, Action(action_id="signal.match.support", value="S-2026-0001"))
    )
    assert "S-2026-0001" in out and "Herkend: door 1 persoon" in out
    assert await signal_count(sqlite_bot) == 1
    async with sqlite_bot.services.uow() as uow:
        supports = await uow.signals.supports(1)
    assert supports[0].context.startswith("Ouderen wachten")


async def test_no_this_is_new_stores_it(
    sqlite_bot: Signaalbot, with_matcher: Callable[[Any], Awaitable[Signaalbot]]
) -> None:
    sqlite_bot = await with_matcher(FakeMatcher([Hit("study", "R-7", "Wmo-monitor", 60, False)]))
    bo = person("bo")
    await report_signal(sqlite_bot, bo, TEXT)
    stored = texts(await sqlite_bot.handle(bo, Action(action_id="signal.match.new")))
    assert "S-2026-0001" in stored
    # Clicked again (a double click, or after a crash): the same confirmation, nothing new.
    assert texts(await sqlite_bot.handle(bo, Action(action_id="signal.match.new"))) == stored
    async with sqlite_bot.services.uow() as uow:
        assert await uow.signals.count() == 1


async def test_answered_by_study_stores_nothing(
    sqlite_bot: Signaalbot, with_matcher: Callable[[Any], Awaitable[Signaalbot]]
) -> None:
    sqlite_bot = await with_matcher(FakeMatcher([Hit("study", "R-7", "Wmo-monitor", 60, False)]))
    bo = person("bo")
    await report_signal(sqlite_bot, bo, TEXT)
    out = texts(await sqlite_bot.handle(bo, Action(action_id="signal.match.answered", value="R-7")))
    assert "R-7" in out
    assert await signal_count(sqlite_bot) == 0


# --- support, merge, triage ----------------------------------------------------------------


async def test_support_context_guarded_and_no_names(sqlite_bot: Signaalbot) -> None:
    await report_signal(sqlite_bot, person("anna"), TEXT)
    bo = person("bo")
    submit = Submit(
        form_id="signal.support", values={"context": "bel 111222333"}, context="S-2026-0001"
    )
    assert "context" in errors(await sqlite_bot.handle(bo, submit))
    ok = Submit(form_id="signal.support", values={"context": ""}, context="S-2026-0001")
    out = texts(await sqlite_bot.handle(bo, ok))
    assert "Herkend: door 1 persoon (1 van de gemeente)" in out
    again = texts(await sqlite_bot.handle(bo, ok))
    assert "al herkend" in again
    own = texts(await say(sqlite_bot, person("anna"), "herken S-2026-0001"))
    assert "zelf gemeld" in own
    status = texts(await say(sqlite_bot, person("cas"), "status S-2026-0001"))
    assert "bo" not in status.split() and "anna" not in status.split()


async def test_merge_moves_supports_and_reporter(
    sqlite_bot: Signaalbot, with_matcher: Callable[[Any], Awaitable[Signaalbot]]
) -> None:
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    await report_new_signal(sqlite_bot, person("anna"), TEXT)
    await report_new_signal(sqlite_bot, person("bo"), TEXT + " Ook in Strijp.")
    await sqlite_bot.handle(person("cas"), Submit(form_id="signal.support", context="S-2026-0002"))
    await sqlite_bot.handle(person("anna"), Submit(form_id="signal.support", context="S-2026-0002"))
    matcher = FakeMatcher([])
    sqlite_bot = await with_matcher(matcher)
    out = texts(await say(sqlite_bot, desk, "samenvoegen S-2026-0002 S-2026-0001"))
    assert "S-2026-0002" in out and "S-2026-0001" in out
    assert matcher.removed == [("signal", "S-2026-0002")]
    async with sqlite_bot.services.uow() as uow:
        merged = await uow.signals.get_by_ref("S-2026-0002")
        survivor = await uow.signals.get_by_ref("S-2026-0001")
        assert merged is not None and survivor is not None
        assert merged.merged_into_id == survivor.id and merged.status == "samengevoegd"
        supporters = {s.person_id for s in await uow.signals.supports(survivor.id)}
    # cas moved; bo (reporter) joined; anna is the survivor's reporter, not a supporter.
    assert len(supporters) == 2
    assert "samengevoegd met S-2026-0001" in await outbox_texts(sqlite_bot, "bo")
    assert "S-2026-0002" in texts(
        await say(sqlite_bot, desk, "samenvoegen S-2026-0002 S-2026-0001")
    )
    assert texts(await say(sqlite_bot, desk, "samenvoegen S-2026-0001 S-2026-0001")) == (
        sqlite_bot.services.translator("nl")("intake.merge_same")
    )


async def test_every_status_change_tells_followers_in_their_language(
    sqlite_bot: Signaalbot,
) -> None:
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    await report_signal(sqlite_bot, person("anna"), TEXT)
    emma = await with_role(sqlite_bot, "emma", "professional", locale="en")
    await sqlite_bot.handle(emma, Submit(form_id="signal.support", context="S-2026-0001"))
    for status in ("in_behandeling", "faciliteren", "gekoppeld", "afgerond"):
        await say(sqlite_bot, desk, f"triage S-2026-0001 {status} klaar voor de volgende stap")
    anna, en = await outbox_texts(sqlite_bot, "anna"), await outbox_texts(sqlite_bot, "emma")
    for nl_status, en_status in (
        ("in behandeling", "being handled"),
        ("faciliteren", "facilitate"),
        ("gekoppeld aan vraag of onderzoek", "linked to a question or study"),
        ("afgerond", "completed"),
    ):
        assert f"de status is nu '{nl_status}'" in anna
        assert f"the status is now '{en_status}'" in en
    assert "Toelichting: klaar voor de volgende stap" in anna


async def test_not_taken_up_needs_a_reason_and_bad_transitions_refused(
    sqlite_bot: Signaalbot,
) -> None:
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    await report_signal(sqlite_bot, person("anna"), TEXT)
    t = sqlite_bot.services.translator("nl")
    submit = Submit(
        form_id="triage.reason", values={"reason": ""}, context="S-2026-0001|niet_opgepakt"
    )
    assert errors(await sqlite_bot.handle(desk, submit)) == {
        "reason": t("intake.triage_reason_required")
    }
    assert "kan het niet naar" in texts(await say(sqlite_bot, desk, "triage S-2026-0001 afgerond"))
    assert "ken ik niet" in texts(await say(sqlite_bot, desk, "triage S-2026-0001 weg"))
    card = (await say(sqlite_bot, desk, "triage S-2026-0001"))[0]
    values = [b.value for blk in card.blocks if blk.type == "buttons" for b in blk.buttons]
    assert values == ["S-2026-0001|in_behandeling", "S-2026-0001|niet_opgepakt"]
    ok = Submit(
        form_id="triage.reason",
        values={"reason": "Past niet in het programma."},
        context="S-2026-0001|niet_opgepakt",
    )
    await sqlite_bot.handle(desk, ok)
    assert "Toelichting: Past niet in het programma." in await outbox_texts(sqlite_bot, "anna")


# --- questions and weighing ----------------------------------------------------------------


async def test_weighing_goes_in_order_and_suggests(sqlite_bot: Signaalbot) -> None:
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    ask = Submit(
        form_id="question.new",
        values={
            "question": "Werkt de nieuwe aanpak van schuldhulp voor jongeren?",
            "why": "We willen weten of we door moeten gaan.",
            "theme": "armoede-schulden",
            "signals": "S-2099-0001",
        },
    )
    assert "signals" in errors(await sqlite_bot.handle(desk, ask))
    values = {**ask.values, "signals": "", "needed_by": "morgen"}
    assert "needed_by" in errors(
        await sqlite_bot.handle(desk, Submit(form_id="question.new", values=values))
    )
    values["needed_by"] = ""
    assert "V-2026-0001" in texts(
        await sqlite_bot.handle(desk, Submit(form_id="question.new", values=values))
    )
    step3 = Submit(form_id="weigh.step", values={"oordeel": "ja"}, context="V-2026-0001|3")
    assert "stap 1 aan de beurt" in texts(await sqlite_bot.handle(desk, step3))
    answers = [
        ("hoog", "Gedeeld door wijkteams."),
        ("beantwoord", ""),
        ("nee", ""),
        ("haalbaar", ""),
        ("nee", ""),
        ("midden", ""),
    ]
    for number, (oordeel, note) in enumerate(answers, start=1):
        replies = await sqlite_bot.handle(
            desk,
            Submit(
                form_id="weigh.step",
                values={"oordeel": oordeel, "toelichting": note},
                context=f"V-2026-0001|{number}",
            ),
        )
        assert not errors(replies), number
    advice = replies[-1].form
    assert advice is not None and advice.form_id == "weigh.advice"
    assert {i.name: i.initial for i in advice.inputs}["recommendation"] == "afwijzen"
    done = await sqlite_bot.handle(
        desk,
        Submit(
            form_id="weigh.advice",
            values={"recommendation": "afwijzen", "reason": "Al onderzocht."},
            context="V-2026-0001",
        ),
    )
    assert "afwijzen" in texts(done)
    card = texts(await say(sqlite_bot, desk, "status V-2026-0001"))
    assert "1. Urgentie: hoog – Gedeeld door wijkteams." in card


async def test_question_text_with_personal_data_is_refused(sqlite_bot: Signaalbot) -> None:
    submit = Submit(
        form_id="question.new",
        values={
            "question": "Waarom krijgt mevrouw met BSN 111222333 geen hulp?",
            "why": "Dit is belangrijk.",
            "theme": "wmo",
        },
    )
    assert "question" in errors(await sqlite_bot.handle(person("anna"), submit))
    async with sqlite_bot.services.uow() as uow:
        assert await uow.questions.find() == []


# --- views and admin -----------------------------------------------------------------------


async def test_overview_filters_and_pages(sqlite_bot: Signaalbot, clock: ManualClock) -> None:
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    for number in range(12):
        await report_new_signal(
            sqlite_bot,
            person(f"p{number}"),
            f"{TEXT} Nummer {number}.",
            theme="leren" if number % 2 else "inwonerservaring",
        )
    first = await say(sqlite_bot, desk, "overzicht")
    assert "Signalen 1–10 van 12" in texts(first)
    button = next(
        b for r in first for blk in r.blocks if blk.type == "buttons" for b in blk.buttons
    )
    second = await sqlite_bot.handle(desk, Action(action_id=button.action_id, value=button.value))
    assert "Signalen 11–12 van 12" in texts(second)
    assert "van 6" in texts(await say(sqlite_bot, desk, "overzicht thema=leren"))
    assert "van 12" in texts(
        await say(sqlite_bot, desk, "overzicht periode=2026-11 org=municipality")
    )
    assert "Geen signalen" in texts(await say(sqlite_bot, desk, "overzicht status=afgerond"))
    assert "begrijp ik niet" in texts(await say(sqlite_bot, desk, "overzicht kleur=rood"))


async def test_guest_sees_own_and_shared_only(sqlite_bot: Signaalbot) -> None:
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    guest = await with_role(sqlite_bot, "gast", "provider")
    await report_new_signal(sqlite_bot, person("anna"), TEXT)
    await report_new_signal(sqlite_bot, guest, TEXT + " Bij ons ook.")
    mine = texts(await say(sqlite_bot, guest, "mijn signalen"))
    assert "S-2026-0002" in mine and "S-2026-0001" not in mine
    await say(sqlite_bot, desk, "delen S-2026-0001")
    assert "S-2026-0001" in texts(await say(sqlite_bot, guest, "mijn signalen"))
    assert "Signal S-2026-0001" not in texts(await say(sqlite_bot, guest, "status S-2026-0001"))


async def test_admin_edits_roles_themes_and_areas(sqlite_bot: Signaalbot) -> None:
    admin = await with_role(sqlite_bot, "root", "admin")
    await say(sqlite_bot, person("anna"), "help")
    assert "research_desk" in texts(
        await say(sqlite_bot, admin, "rol geven console:anna research_desk")
    )
    assert "ken ik niet" in texts(await say(sqlite_bot, admin, "rol geven console:anna koning"))
    assert "niemand" in texts(await say(sqlite_bot, admin, "rol geven console:niemand admin"))
    await say(
        sqlite_bot, admin, "thema toevoegen energie subdomein Energiearmoede | Energy poverty"
    )
    await say(sqlite_bot, admin, "thema uit leren")
    await say(sqlite_bot, admin, "gebied toevoegen meerhoven Meerhoven")
    await say(sqlite_bot, admin, "gebied uit centrum")
    form = (await say(sqlite_bot, person("anna"), "signaal"))[0].form
    assert form is not None
    options = {i.name: {o.value for o in i.options} for i in form.inputs}
    assert "energie" in options["subdomain"] and "leren" not in options["theme"]
    assert "meerhoven" in options["area"] and "centrum" not in options["area"]
    async with sqlite_bot.services.uow() as uow:
        actions = {e.action for e in await uow.audit.by_actor(1)}
    assert {
        "person.role_grant",
        "theme.upsert",
        "theme.disable",
        "area.upsert",
        "area.disable",
    } <= actions
