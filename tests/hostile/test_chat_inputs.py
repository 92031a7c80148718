"""Hostile chat input on Teams and Slack: every input answered, in the person's language, and
nothing stored wrongly (no NUL, lone surrogate or control code reaches the database, no signal
appears from nowhere). Real HTTP against the real app; both platforms get the same texts.
"""

from __future__ import annotations

import pytest

from kernel.text import is_clean
from tests.hostile.support import Stack
from tests.integration.teams.driver import texts

pytestmark = pytest.mark.asyncio(loop_scope="module")

HELP_NL, HELP_EN = "Dit kun je typen", "You can type"
UNKNOWN_NL, UNKNOWN_EN = "Dat begrijp ik niet", "I don't understand that"
WHICH_NL, WHICH_EN = "Welk nummer bedoel je", "Which number do you mean"
NOT_FOUND_NL, NOT_FOUND_EN = "Ik kan geen signaal vinden", "I cannot find a signal"
NO_QUESTION_NL, NO_QUESTION_EN = "Ik kan geen onderzoeksvraag vinden", "I cannot find a research"
ROLE_NL, ROLE_EN = "niet doen met jouw rol", "your role does not allow"
PERIOD_NL, PERIOD_EN = (
    "bestaat niet. Gebruik een aantal dagen",
    "does not exist. Use a number of days",
)
PAGE_NL, PAGE_EN = "bestaat niet. Kies een pagina", "does not exist. Choose a page"
FILTER_NL, FILTER_EN = "Dit filter begrijp ik niet", "I do not understand this filter"
# No signals at all (a page number is no filter): not "found nothing with these filters".
EMPTY_NL, EMPTY_EN = "Er zijn nog geen signalen", "There are no signals yet"
UNKNOWN_VALUE_NL, UNKNOWN_VALUE_EN = "Ik ken geen", "I do not know the"
LONG_NL, LONG_EN = "Je bericht is te lang: maximaal 4000", "Your message is too long: at most 4000"
LANG_NL, LANG_EN = "Die taal ken ik niet", "I don't know that language"
SESSION_NL = "Ik kan deze sessie niet vinden"

MENTIONS = "<at>Signaalbot</at> " * 150

# (typed, who, Dutch answer, English answer). "desk" holds the research desk role.
TEXTS: list[tuple[str, str, str, str]] = [
    ("help\x00", "staff", HELP_NL, HELP_EN),
    ("\x00help", "staff", HELP_NL, HELP_EN),
    ("he\x00lp", "staff", HELP_NL, HELP_EN),
    ("help\x1b[31m", "staff", HELP_NL, HELP_EN),
    ("help\u0085", "staff", HELP_NL, HELP_EN),
    ("HELP", "staff", HELP_NL, HELP_EN),
    ("/help", "staff", HELP_NL, HELP_EN),
    ("help \ud800", "staff", HELP_NL, HELP_EN),
    (MENTIONS + "help", "staff", HELP_NL, HELP_EN),
    ("<at>Signaalbot</at> " * 100 + "help", "staff", HELP_NL, HELP_EN),
    ("<at" * 100_000, "staff", LONG_NL, LONG_EN),
    ("status \ud800", "staff", WHICH_NL, WHICH_EN),
    ("status \udfff\ud800", "staff", WHICH_NL, WHICH_EN),
    ("status", "staff", WHICH_NL, WHICH_EN),
    ("status S-2026-0001\x00", "staff", NOT_FOUND_NL, NOT_FOUND_EN),
    ("status S-2026-99999999999999999999", "staff", NOT_FOUND_NL, NOT_FOUND_EN),
    ("status S-0000-0000", "staff", NOT_FOUND_NL, NOT_FOUND_EN),
    ("status ' OR 1=1 --", "staff", NOT_FOUND_NL, NOT_FOUND_EN),
    ("status %00%27", "staff", NOT_FOUND_NL, NOT_FOUND_EN),
    ("status " + "S" * 3000, "staff", NOT_FOUND_NL, NOT_FOUND_EN),
    ("status " + "S" * 5000, "staff", LONG_NL, LONG_EN),
    ("status [klik hier](https://evil.example)", "staff", NOT_FOUND_NL, NOT_FOUND_EN),
    ("status V-2026-99999999999999999999", "staff", NO_QUESTION_NL, NO_QUESTION_EN),
    ("herken S-2026-99999999999", "staff", NOT_FOUND_NL, NOT_FOUND_EN),
    ("herken", "staff", WHICH_NL, WHICH_EN),
    ("samenvoegen S-2026-0001 S-2026-0002", "staff", ROLE_NL, ROLE_EN),
    ("overzicht", "staff", ROLE_NL, ROLE_EN),
    ("overzicht periode=99999999999", "desk", PERIOD_NL, PERIOD_EN),
    ("overzicht periode=0", "desk", PERIOD_NL, PERIOD_EN),
    ("overzicht periode=2026-13", "desk", FILTER_NL, FILTER_EN),
    ("overzicht periode=0000-01", "desk", FILTER_NL, FILTER_EN),
    ("overzicht periode=9999-12", "desk", FILTER_NL, FILTER_EN),
    ("overzicht periode=-5", "desk", FILTER_NL, FILTER_EN),
    ("overzicht pagina=99999999999999999999", "desk", PAGE_NL, PAGE_EN),
    ("overzicht offset=99999999999999999999", "desk", PAGE_NL, PAGE_EN),
    ("overzicht pagina=0", "desk", EMPTY_NL, EMPTY_EN),
    ("overzicht pagina=٣", "desk", EMPTY_NL, EMPTY_EN),  # an Arabic-Indic 3: page 3
    ("overzicht status=💥", "desk", UNKNOWN_VALUE_NL + " status", UNKNOWN_VALUE_EN + " status"),
    ("overzicht thema=" + "a" * 3000, "desk", UNKNOWN_VALUE_NL, UNKNOWN_VALUE_EN),
    ("overzicht thema=" + "a" * 5000, "desk", LONG_NL, LONG_EN),
    ("overzicht org=\x00", "desk", FILTER_NL, FILTER_EN),  # the NUL goes, "org=" stays
    ("taal xx", "staff", LANG_NL, LANG_EN),
    ("taal \ud800", "staff", LANG_NL, LANG_EN),
    ("[klik hier](https://evil.example)", "staff", UNKNOWN_NL, UNKNOWN_EN),
    ("<!channel> @here", "staff", UNKNOWN_NL, UNKNOWN_EN),
    ("\u202ehelp", "staff", UNKNOWN_NL, UNKNOWN_EN),
    ("x" * 100_000, "staff", LONG_NL, LONG_EN),
    ("🙂" * 3_000, "staff", UNKNOWN_NL, UNKNOWN_EN),
    ("🙂" * 5_000, "staff", LONG_NL, LONG_EN),
]


async def _person(s: Stack, platform: str, who: str, english: bool) -> object:
    """Anna (staff) or Lotte (desk), Dutch or English, known to the bot."""
    name = f"{who}{'en' if english else 'nl'}"
    if f"{platform}:{name}" in s.chats:
        return s.chats[f"{platform}:{name}"]
    if platform == "teams":
        chat = s.teams(f"aad-{name}", locale="en-US" if english else "nl-NL")
        await chat.say("help")
        user_id = chat.identity_user_id
    else:
        chat = s.slack(f"U{name.upper()}")
        await chat.dm("taal en" if english else "help")
        await s.slack_adapter.drain()
        user_id = f"T0001:U{name.upper()}"
    async with s.bot.services.uow() as uow:
        person = await uow.people.find_by_identity(platform, user_id)
        assert person is not None
        roles = {"staff": {"professional"}, "desk": {"research_desk"}}[who]
        await uow.people.set_roles(person.id, frozenset(roles))
        if english:
            await uow.people.update(person.id, locale="en")
        await uow.commit()
    s.chats[f"{platform}:{name}"] = chat
    return chat


async def _answer(s: Stack, platform: str, chat: object, text: str) -> str:
    if platform == "teams":
        said = texts(await chat.say(text))  # type: ignore[attr-defined]
        assert chat.last_status == 200  # type: ignore[attr-defined]
        return said
    fake = s.slack_fake
    calls, responses = len(fake.calls), len(fake.responses)
    status, _ = await chat.dm(text)  # type: ignore[attr-defined]
    assert status == 200
    await s.slack_adapter.drain()
    posted = [
        c.params.get("text", "") for c in fake.calls[calls:] if c.method == "chat.postMessage"
    ]
    return "\n".join([*map(str, posted), *(str(r.get("text")) for r in fake.responses[responses:])])


@pytest.mark.parametrize("english", [False, True], ids=["nl", "en"])
@pytest.mark.parametrize("platform", ["teams", "slack"])
@pytest.mark.parametrize(("typed", "who", "dutch", "english_answer"), TEXTS, ids=range(len(TEXTS)))
async def test_every_text_gets_a_clear_answer(
    hostile: Stack,
    platform: str,
    english: bool,
    typed: str,
    who: str,
    dutch: str,
    english_answer: str,
) -> None:
    chat = await _person(hostile, platform, who, english)
    async with hostile.bot.services.uow() as uow:
        signals = await uow.signals.count()
    answer = await _answer(hostile, platform, chat, typed)
    assert (english_answer if english else dutch) in answer, answer[:300]
    assert "code " not in answer  # never the "something went wrong" answer
    async with hostile.bot.services.uow() as uow:
        assert await uow.signals.count() == signals
    assert all(is_clean(v) for v in await hostile.stored_texts())
