"""Help lists exactly what a person may do, with the command words of their own language.

Why this cannot drift: for every role, each command in that role's help is run and must not be
refused, and each command left out must be refused.
"""

from __future__ import annotations

import pytest

from bot.bootstrap import build_router
from kernel.core import Command, Role
from kernel.i18n import Catalogue
from tests.helpers import say, texts
from tests.unit.handlers.util import with_role
from turn.commands import CommandWords
from turn.pipeline import Signaalbot

WORDS = CommandWords.shipped()


def test_every_command_in_the_catalogue_is_registered_and_the_other_way_round() -> None:
    router = build_router()
    assert {route.command for route in router.command_routes()} == set(WORDS.ids())
    for command_id in WORDS.ids():
        for locale in ("nl", "en"):
            assert WORDS.words[command_id].get(locale), (command_id, locale)
        # The parser looks at the first three words of a message.
        assert all(len(w.split()) <= 3 for w in WORDS.all_words(command_id)), command_id


@pytest.mark.parametrize("locale", ["nl", "en"])
@pytest.mark.parametrize("role", [r.value for r in Role])
async def test_help_per_role_lists_exactly_what_the_role_may_do(
    sqlite_bot: Signaalbot, role: str, locale: str
) -> None:
    who = await with_role(sqlite_bot, f"user-{role}", role, locale=locale)
    shown = texts(await say(sqlite_bot, who, "help"))
    t = sqlite_bot.services.translator(locale)
    refused = t("core.not_allowed")
    for route in sqlite_bot.router.command_routes():
        word = WORDS.shown(route.command, locale)
        line = "• " + t(f"commands.line.{route.command}", word=word)
        answer = texts(await sqlite_bot.handle(who, Command(name=word)))
        if line in shown:
            assert answer != refused, f"{role} sees {word!r} in help but is refused"
        else:
            assert answer == refused, f"{role} may use {word!r}, but help does not list it"


async def test_the_programme_leader_is_not_offered_research_desk_work(
    sqlite_bot: Signaalbot,
) -> None:
    leader = await with_role(sqlite_bot, "pl", "programme_leader")
    shown = texts(await say(sqlite_bot, leader, "help"))
    assert "overzicht" in shown and "cyclus start" in shown
    assert "triage S-2026-0001" not in shown and "afweging" not in shown


async def test_the_main_help_mentions_questions_cycles_and_sessions(
    sqlite_bot: Signaalbot,
) -> None:
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    shown = texts(await say(sqlite_bot, desk, "help"))
    for word in ("vraag", "cycli", "cyclus start", "sessies", "herken", "intrekken"):
        assert f"• {word}" in shown, word


async def test_english_help_shows_english_words_that_work(sqlite_bot: Signaalbot) -> None:
    anna = await with_role(sqlite_bot, "anna", "professional", locale="en")
    shown = texts(await say(sqlite_bot, anna, "help"))
    assert "• my signals" in shown and "• language en or language nl" in shown
    assert "mijn signalen" not in shown and "taal" not in shown
    assert "You have not reported" in texts(await say(sqlite_bot, anna, "my signals"))
    await say(sqlite_bot, anna, "language nl")
    assert "Dit kun je typen" in texts(await say(sqlite_bot, anna, "help"))


async def test_help_for_a_command_and_for_a_role(sqlite_bot: Signaalbot) -> None:
    anna = await with_role(sqlite_bot, "anna", "professional")
    about = texts(await say(sqlite_bot, anna, "help overzicht"))
    assert "periode=30" in about
    assert Catalogue.load().translator("nl")("commands.help_not_yours") in about
    desk = texts(await say(sqlite_bot, anna, "help onderzoeksteam"))
    assert "onderzoeksteam" in desk and "• triage S-2026-0001" in desk
    assert texts(await say(sqlite_bot, anna, "help research_desk")) == desk
    # Her own help stays her own.
    assert "• triage" not in texts(await say(sqlite_bot, anna, "help"))


@pytest.mark.parametrize(
    ("locale", "example"),
    [
        ("nl", "overzicht thema=jeugd periode=30"),
        ("nl", "overzicht status=nieuw org=andere"),
        ("en", "overview theme=youth period=30"),
        ("en", "overview status=new org=other"),
    ],
)
async def test_the_overview_examples_of_the_help_work(
    sqlite_bot: Signaalbot, locale: str, example: str
) -> None:
    desk = await with_role(sqlite_bot, f"desk-{locale}", "research_desk", locale=locale)
    about = texts(await say(sqlite_bot, desk, f"help {example.split()[0]}"))
    assert example.split()[1] in about
    answer = texts(await say(sqlite_bot, desk, example))
    assert answer == sqlite_bot.services.translator(locale)("intake.overview_empty"), answer


async def test_an_admin_gives_a_role_by_the_name_help_shows(sqlite_bot: Signaalbot) -> None:
    admin = await with_role(sqlite_bot, "root", "admin")
    await with_role(sqlite_bot, "anna", "professional")
    done = texts(await say(sqlite_bot, admin, "rol geven console:anna onderzoeksteam"))
    assert "onderzoeksteam (research_desk)" in done
    await say(sqlite_bot, admin, "language en")
    done = texts(await say(sqlite_bot, admin, "grant role console:anna policy officer"))
    assert "policy officer (policy_officer)" in done
    async with sqlite_bot.services.uow() as uow:
        anna = await uow.people.find_by_identity("console", "anna")
    assert anna is not None and {"research_desk", "policy_officer"} <= anna.roles


@pytest.mark.parametrize("locale", ["nl", "en"])
@pytest.mark.parametrize("role", [r.value for r in Role])
async def test_moving_and_cancelling_a_session_is_in_the_help_of_who_may_do_it(
    sqlite_bot: Signaalbot, role: str, locale: str
) -> None:
    """The research desk and the programme leader (and an admin) read how to move or cancel
    a session, in their own words; nobody else is offered it."""
    who = await with_role(sqlite_bot, f"s-{role}", role, locale=locale)
    shown = texts(await say(sqlite_bot, who, "help"))
    may = role in {"research_desk", "programme_leader", "admin"}
    for command in ("session_move", "session_cancel"):
        word = WORDS.shown(command, locale)
        assert (f"• {word} 3" in shown) is may, (role, word)
        other = WORDS.shown(command, "nl" if locale == "en" else "en")
        assert f"• {other}" not in shown
        if may:
            about = texts(await say(sqlite_bot, who, f"help {word}"))
            assert about.count(word) >= 2, about  # the line and an example with the word
            assert sqlite_bot.services.translator(locale)("commands.help_not_yours") not in about
