"""Every text operation on what people type stays linear on hostile input (1 MB).

Why these inputs: each one made an earlier version scan to the end of the text from every
position (quadratic or worse): a 400 KB message of ``<at>`` tags blocked the server for 158 s.
At 1 MB such a version would need hours, so these tests only finish when the operation is
linear; they assert the result, not a time (timings are in benchmarks/text_worst_case.py).
"""

from __future__ import annotations

import pytest

from bot.adapters.slack_text import from_slack, neutral_action_id
from bot.adapters.teams_inbound import html_to_text, strip_mentions
from handlers.intake import neutralise
from kernel.core import Command
from privacy import mask_text, scan
from tests.helpers import person, say, texts
from turn.pipeline import Signaalbot
from turn.router import MAX_TYPED_CHARS, TOO_LONG, Router

MB = 1_000_000


def times(unit: str, size: int = MB) -> str:
    return unit * (size // len(unit))


def test_mentions_without_closing_tag_are_left_alone() -> None:
    text = times("<at>")
    assert strip_mentions(text) == text


def test_mentions_with_attributes_and_no_end() -> None:
    text = times("<at id='0'")
    assert strip_mentions(text) == text


def test_many_mentions_are_all_stripped() -> None:
    text = times("<at>Signaalbot</at> ") + "signaal"
    assert strip_mentions(text) == "signaal"
    assert strip_mentions("<AT id=1>Bot</At> hulp <at>x</at>", ("Bot",)) == "hulp"


def test_mention_stripping_keeps_text_between_mentions() -> None:
    assert strip_mentions("a <at>B</at> b <at>C") == "a b <at>C"
    assert strip_mentions("<atx>x</at>y") == "y"  # as before: any tag starting with "<at"


@pytest.mark.parametrize("unit", ["<", "<at ", "</", "<b ", "<@U|"])
def test_html_without_closing_brackets(unit: str) -> None:
    text = times(unit)
    assert html_to_text(text) == " ".join(text.split())


def test_html_with_many_tags() -> None:
    assert html_to_text(times("<p>a</p>")) == "\n".join(["a"] * (MB // 8))


@pytest.mark.parametrize("unit", ["<!here|", "<http:", "<@U|", "<!subteam^", "<mailto:x|"])
def test_slack_markup_without_closing_brackets(unit: str) -> None:
    text = times(unit)
    out, changed = neutralise(text)
    assert out == text.replace("<", "‹") and changed


def test_slack_markup_many_links_are_all_cleaned() -> None:
    out, _ = neutralise(times("<https://x.nl|x> <@U1|anna> <!here> "))
    assert out == " ".join(["x anna @here"] * (MB // 36))


@pytest.mark.parametrize("unit", ["<", "<a|", "<@U1|", "&lt;"])
def test_from_slack_is_linear(unit: str) -> None:
    text = times(unit)
    out = from_slack(text)
    assert len(out) <= len(text)
    assert from_slack(times("<@U1|anna>", 100)) == "@anna" * 10


def test_action_id_suffix() -> None:
    assert neutral_action_id(times("#1") + "x") == times("#1") + "x"
    assert neutral_action_id("signal.support#" + "1" * MB) == "signal.support"


# The guard costs a few seconds per megabyte even when linear (many patterns); the other
# inputs of the benchmark are left out here to keep the suite quick. It never sees more than
# MAX_TYPED_CHARS in the bot (longer text is refused before it is scanned).
@pytest.mark.parametrize("unit", ["a'", "1/"])
def test_privacy_guard_on_a_megabyte_without_personal_data(unit: str) -> None:
    assert scan(times(unit)) == []


def test_privacy_guard_finds_every_name_in_a_long_run() -> None:
    """Every "Jan Jan" is a name: the old overlap check compared each finding with all others."""
    text = times("Jan ", 200_000)
    findings = scan(text)
    assert len(findings) == 25_000
    assert all(text[f.start : f.end] == "Jan Jan" for f in findings)
    assert mask_text(text) == "J••• " * 25_000


def test_typed_text_over_the_limit_becomes_the_too_long_command() -> None:
    router = Router()
    event = router.parse_text("  " + times("signaal ") + "  ", "k")
    assert event == Command(name=TOO_LONG, text=str(MB - 1), idempotency_key="k")
    assert router.parse_text("x" * MAX_TYPED_CHARS).kind == "message"


async def test_too_long_message_gets_a_kind_answer(sqlite_bot: Signaalbot) -> None:
    t = sqlite_bot.services.translator("nl")
    replies = await say(sqlite_bot, person("anna"), times("<at>"))
    assert texts(replies) == t("core.message_too_long", max=MAX_TYPED_CHARS, length=MB)
    async with sqlite_bot.services.uow() as uow:
        assert await uow.signals.count() == 0
