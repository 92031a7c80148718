"""A Teams message of a megabyte costs a length check, and gets the catalogue's "too long".

Why: mention stripping is linear but still needs 0.1-0.3 s for a megabyte of ``<at>x</at>``,
on the event loop, for a text that is refused anyway (issue 14, must-have 4). Over real HTTP,
the bot in emulator mode (the body reaches the handler), both databases.
"""

from __future__ import annotations

import pytest

from bot.adapters import teams_inbound
from kernel.i18n import Catalogue
from tests.integration.teams.driver import TeamsChat, texts
from turn.router import MAX_MARKED_UP_CHARS, MAX_TYPED_CHARS

T = Catalogue.load().translator("nl")
MB = 1_000_000


@pytest.mark.parametrize("unit", ["<at>", "<at>x</at> ", "<at>Signaalbot</at> signaal "])
async def test_a_megabyte_message_is_too_long_without_its_mentions_stripped(
    teams: TeamsChat, monkeypatch: pytest.MonkeyPatch, unit: str
) -> None:
    stripped: list[int] = []
    strip = teams_inbound.strip_mentions

    def counting(text: str, names: tuple[str, ...] = ()) -> str:
        stripped.append(len(text))
        return strip(text, names)

    monkeypatch.setattr(teams_inbound, "strip_mentions", counting)
    text = unit * (MB // len(unit))
    calls = await teams.say(text)
    assert teams.last_status == 200
    length = len(text.strip())
    assert texts(calls) == T("core.message_too_long", max=MAX_TYPED_CHARS, length=length)
    assert stripped == [], "the megabyte never went through mention stripping"


async def test_a_long_message_with_many_mentions_is_still_read(teams: TeamsChat) -> None:
    """Up to the marked-up limit the mentions are stripped first: the text itself is short."""
    text = "<at>Signaalbot</at> " * (MAX_MARKED_UP_CHARS // 20 - 1) + "help"
    assert len(text) <= MAX_MARKED_UP_CHARS
    calls = await teams.say(text)
    assert "signaalbot" in texts(calls).lower()
    assert T("core.message_too_long", max=MAX_TYPED_CHARS, length=0)[:20] not in texts(calls)
