"""The console chat as a person uses it, driven through piped text."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from bot.adapters.console import ConsoleAdapter
from kernel.clock import ManualClock
from kernel.core import Platform
from tests.conftest import START, make_settings
from tests.helpers import bootstrap_bot, person, say, texts
from turn.pipeline import Signaalbot

SIGNAL = "Steeds meer jongeren komen met schulden bij het wijkteam, vooral rond hun achttiende."
# Answers to the signal form after the text: theme, sub-domain, who, where, since, how often, org.
JEUGD = ["1", "1", "", "1", "1", "", ""]
WMO = ["1", "2", "", "1", "1", "", ""]


async def run_console(bot: Signaalbot, name: str, lines: list[str]) -> str:
    out = io.StringIO()
    await ConsoleAdapter(bot, person(name), io.StringIO("\n".join(lines) + "\n"), out).run()
    return out.getvalue()


async def test_report_and_list_survive_a_restart(sqlite_url: str) -> None:
    clock = ManualClock(START)
    first = await bootstrap_bot(make_settings(sqlite_url), clock=clock)
    output = await run_console(first, "anna", ["signaal", SIGNAL, *JEUGD, "stop"])
    await first.services.db.dispose()
    assert "S-2026-0001" in output

    second = await bootstrap_bot(
        make_settings(sqlite_url), clock=clock
    )  # a restart: new process state
    output = await run_console(second, "anna", ["mijn signalen", "status S-2026-0001"])
    await second.services.db.dispose()
    assert "S-2026-0001" in output
    assert SIGNAL in output
    assert "Effectiviteit en efficiëntie" in output


async def test_form_errors_keep_what_was_typed(sqlite_bot: Signaalbot) -> None:
    # Too short first: the bot says so at once and asks that field again before the next one.
    output = await run_console(sqlite_bot, "bram", ["signaal", "te kort", SIGNAL, *WMO, "stop"])
    assert "minstens 20 tekens" in output
    assert output.index("minstens 20 tekens") < output.index("Thema")
    assert "S-2026-0001" in output
    replies = await say(sqlite_bot, person("bram"), "status S-2026-0001")
    assert SIGNAL in texts(replies)


async def test_half_filled_form_survives_a_restart(sqlite_url: str) -> None:
    clock = ManualClock(START)
    first = await bootstrap_bot(make_settings(sqlite_url), clock=clock)
    await run_console(first, "cem", ["signaal", SIGNAL])  # input ends before the theme
    await first.services.db.dispose()

    second = await bootstrap_bot(make_settings(sqlite_url), clock=clock)
    output = await run_console(
        second, "cem", ["signaal", "", *JEUGD, "stop"]
    )  # Enter keeps the text
    await second.services.db.dispose()
    assert "al aan begonnen" in output
    assert "S-2026-0001" in output


async def test_unknown_command_gets_help_in_the_users_language(sqlite_bot: Signaalbot) -> None:
    nl = texts(await say(sqlite_bot, person("dirk"), "abracadabra"))
    en = texts(await say(sqlite_bot, person("emma", locale="en-GB"), "abracadabra"))
    assert "Dat begrijp ik niet" in nl and "help" in nl
    assert "I don't understand" in en


@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙂🙂🙂", "<!channel> <b>vet</b>", "x" * 10_000],
)
async def test_odd_input_gets_a_kind_answer(sqlite_bot: Signaalbot, text: str) -> None:
    replies = await say(sqlite_bot, person("fleur"), text)
    assert replies
    assert "Er ging iets mis" not in texts(replies)


async def test_language_choice_is_remembered(sqlite_bot: Signaalbot) -> None:
    who = person("gijs", locale="nl")
    assert "English" in texts(await say(sqlite_bot, who, "taal en"))
    assert "I don't understand" in texts(await say(sqlite_bot, who, "hmm"))
    assert "ken ik niet" in texts(await say(sqlite_bot, who, "taal xx")) or "don't know" in texts(
        await say(sqlite_bot, who, "taal xx")
    )


async def test_database_away_is_a_clear_message_and_the_chat_goes_on(
    tmp_path: Path,
) -> None:
    # The bot started fine; then its database folder goes away: "briefly away".
    folder = tmp_path / "data"
    folder.mkdir()
    bot = await bootstrap_bot(
        make_settings(f"sqlite:///{folder}/db.sqlite"), clock=ManualClock(START)
    )
    await bot.services.db.dispose()
    shutil.rmtree(folder)
    output = await run_console(bot, "hans", ["help", "mijn signalen"])
    await bot.services.db.dispose()
    assert output.count("lukt nu even niet") == 2
    assert "Tot ziens" in output


async def test_retried_event_is_handled_once(sqlite_bot: Signaalbot) -> None:
    from kernel.core import Submit

    who = person("ina", platform=Platform.SLACK)
    submit = Submit(
        form_id="signal.report",
        values={
            "text": SIGNAL,
            "theme": "leren",
            "subdomain": "jeugd",
            "area": "centrum",
            "since": "lt3m",
            "org_type": "municipality",
        },
        idempotency_key="Ev42",
    )
    first = await sqlite_bot.handle(who, submit)
    again = await sqlite_bot.handle(who, submit)
    assert "S-2026-0001" in texts(first)
    assert again == first, "a form sent again gets the same confirmation, nothing new"
    async with sqlite_bot.services.uow() as uow:
        assert await uow.signals.count() == 1


QUESTION = "Waarom wachten jongeren in de wijk zo lang op schuldhulp?"
WHY = "Omdat we willen weten of de wachttijd te lang is voor hen."


@pytest.mark.parametrize("locale", ["nl", "en"])
async def test_an_error_names_the_field_by_its_label_and_the_refused_answer_is_not_kept(
    sqlite_bot: Signaalbot, locale: str
) -> None:
    """The bot refuses an unknown signal number only when the form is sent: the error names
    the question the person read (not ``signals``), and the number is not offered to keep."""
    t = sqlite_bot.services.translator(locale)
    word = "vraag" if locale == "nl" else "question"
    lines = [f"taal {locale}", word, QUESTION, WHY, "S-2026-9999", "", "", "1", "", "stop"]
    output = await run_console(sqlite_bot, f"q-{locale}", lines)
    label = t("intake.question_signals_label")
    refusal = t("intake.question_signals_unknown", refs="S-2026-9999")
    assert f"! {label} {refusal}" in output
    assert "! signals:" not in output and "! theme:" not in output
    after = output[output.index(refusal) :]
    assert "S-2026-9999" not in after.replace(refusal, "")  # not offered back to keep
    assert "V-2026-0001" in after  # an empty answer (the field may stay empty) sends it


async def test_a_refusal_while_typing_names_the_field(sqlite_bot: Signaalbot) -> None:
    output = await run_console(sqlite_bot, "dirk", ["signaal", SIGNAL, "zeppelin", *WMO, "stop"])
    assert "! Thema: Kies een van de mogelijkheden." in output
    assert "S-2026-0001" in output


async def test_a_report_left_at_the_lookalike_question_comes_back_filled_in(
    sqlite_bot: Signaalbot,
) -> None:
    """Bo's chat closed while the bot asked whether her signal is like Anna's: at her next
    ``signaal`` everything she filled in is there again, and Enter sends it as it was."""
    await run_console(sqlite_bot, "anna", ["signaal", SIGNAL, *JEUGD, "stop"])
    left = await run_console(sqlite_bot, "bo", ["signaal", SIGNAL + " Ook in Stratum.", *JEUGD])
    assert "S-2026-0001" in left and "S-2026-0002" not in left  # the question, unanswered
    t = sqlite_bot.services.translator("nl")
    back = await run_console(sqlite_bot, "bo", ["signaal", *[""] * 8, "2", "stop"])
    assert t("signals.pending_resumed") in back
    assert f"houden: {SIGNAL[:40]}" in back  # her text, offered to keep
    assert "S-2026-0002" in back  # "Nee, dit is nieuw": saved as she typed it
    replies = await say(sqlite_bot, person("bo"), "status S-2026-0002")
    assert "Ook in Stratum." in texts(replies)
