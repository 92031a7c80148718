"""``overzicht`` filters take what people read: names in either language and unique starts."""

from __future__ import annotations

from handlers.lookup import Named, find
from tests.helpers import person, say, texts
from tests.unit.handlers.util import report_signal, with_role
from turn.pipeline import Signaalbot


async def two_signals(bot: Signaalbot) -> None:
    await report_signal(
        bot,
        person("anna"),
        "Gezinnen met schulden vinden de schuldhulp in de wijk niet.",
        subdomain="armoede-schulden",
        org_type="municipality",
    )
    provider = await with_role(bot, "piet", "provider")
    await report_signal(
        bot,
        provider,
        "Jongeren wachten maanden op een plek in de jeugdhulp.",
        subdomain="jeugd",
        org_type="provider",
    )


async def test_display_names_and_unique_starts_find_the_signals(sqlite_bot: Signaalbot) -> None:
    await two_signals(sqlite_bot)
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    for words, expected in (
        ("org=gemeente", "S-2026-0001"),
        ("org=aanbieder", "S-2026-0002"),
        ("thema=armoede", "S-2026-0001"),
        ("thema=schulden", "S-2026-0001"),
        ("thema=Jeugd", "S-2026-0002"),
        ("thema=jeu org=prov", "S-2026-0002"),
        ("status=nieuw thema=armoede-schulden", "S-2026-0001"),
    ):
        out = texts(await say(sqlite_bot, desk, f"overzicht {words}"))
        other = "S-2026-0002" if expected == "S-2026-0001" else "S-2026-0001"
        assert expected in out and other not in out, (words, out)


async def test_english_names_work_and_answers_are_english(sqlite_bot: Signaalbot) -> None:
    await two_signals(sqlite_bot)
    desk = await with_role(sqlite_bot, "dora", "research_desk", locale="en")
    await say(sqlite_bot, desk, "taal en")
    out = texts(await say(sqlite_bot, desk, "overview theme=poverty org=municipality"))
    assert "S-2026-0001" in out and "S-2026-0002" not in out
    unknown = texts(await say(sqlite_bot, desk, "overview theme=spaceflight"))
    assert unknown.startswith("I do not know the theme 'spaceflight'. Choose from:")
    assert "Poverty and debt" in unknown and "Armoede" not in unknown


async def test_an_unknown_value_is_named_with_the_choices(sqlite_bot: Signaalbot) -> None:
    await two_signals(sqlite_bot)
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    t = sqlite_bot.services.translator("nl")
    out = texts(await say(sqlite_bot, desk, "overzicht org=ziekenhuis"))
    assert out == t(
        "intake.filter.unknown",
        field="soort organisatie",
        value="ziekenhuis",
        choices="aanbieder, andere organisatie, gemeente",
    )
    theme = texts(await say(sqlite_bot, desk, "overzicht thema=ruimtevaart"))
    assert "Ik ken geen thema 'ruimtevaart'" in theme and "Armoede en schulden" in theme
    status = texts(await say(sqlite_bot, desk, "overzicht status=klaar"))
    assert "Ik ken geen status 'klaar'" in status and "in behandeling" in status


async def test_a_start_that_fits_several_asks_for_more_letters(sqlite_bot: Signaalbot) -> None:
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    out = texts(await say(sqlite_bot, desk, "overzicht thema=maatschappelijke"))
    assert "past bij meer dan één thema" in out
    assert "Maatschappelijke ontwikkelingen" in out and "Maatschappelijke opvang" in out


def test_exact_name_wins_over_a_longer_one_that_starts_the_same() -> None:
    choices = [
        Named("wonen", ("wonen", "Wonen", "Housing"), "Wonen"),
        Named("wonen-zorg", ("wonen-zorg", "Wonen en zorg", "Housing and care"), "Wonen en zorg"),
    ]
    assert find("wonen", choices).key == "wonen"
    assert find("WONEN EN", choices).key == "wonen-zorg"
    assert find("hous", choices).key is None and len(find("hous", choices).candidates) == 2
    assert find("cliënt", [Named("c", ("Client",), "Client")]).key == "c"
    assert find("zz", choices).candidates == ()


async def test_an_empty_database_says_there_are_no_signals_yet_not_no_match(
    sqlite_bot: Signaalbot,
) -> None:
    """Without filters an empty overview is no filter's fault: say so, and how to report one."""
    for locale, word, report, new in (
        ("nl", "overzicht", "'signaal'", "nieuw"),
        ("en", "overview", "'signal'", "new"),
    ):
        t = sqlite_bot.services.translator(locale)
        desk = await with_role(sqlite_bot, f"desk-{locale}", "research_desk", locale=locale)
        out = texts(await say(sqlite_bot, desk, word))
        assert out == t("intake.overview_none_yet") and report in out
        assert out != t("intake.overview_empty")
        filtered = texts(await say(sqlite_bot, desk, f"{word} status={new}"))
        assert filtered == t("intake.overview_empty")


async def test_a_page_past_the_end_says_how_many_there_are(sqlite_bot: Signaalbot) -> None:
    await two_signals(sqlite_bot)
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    out = texts(await say(sqlite_bot, desk, "overzicht pagina=3"))
    assert out.startswith("Er zijn maar 2 signalen; deze pagina is leeg.")
