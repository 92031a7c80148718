"""Local images (the weekly summary chart) inline in the Adaptive Card as a data URI."""

from __future__ import annotations

import base64
from pathlib import Path

from bot.adapters.teams_cards import MAX_INLINE_IMAGE, render_card
from bot.bootstrap import Runtime
from kernel.clock import ManualClock
from kernel.core import Image, Reply, Text
from kernel.i18n import Catalogue
from kernel.messenger import Address
from tests.integration.teams.driver import TeamsChat
from tests.integration.teams.fake_connector import FakeConnector, activity_text, cards_of, find
from tests.summary_support import queued_summary
from turn.context import TurnContext
from turn.pipeline import Signaalbot

T = Catalogue.load().translator("nl")
ALT = "Grafiek: signalen per thema"


def _png(width: int = 32, height: int = 16) -> bytes:
    from io import BytesIO

    from PIL import Image as Picture

    buffer = BytesIO()
    Picture.new("RGB", (width, height), "#1F6F8B").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()  # a real picture: the renderer reads its pixel size


def data_uri_bytes(url: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix), url[:40]
    return base64.b64decode(url[len(prefix) :], validate=True)


def test_a_local_png_becomes_a_data_uri(tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(PNG)
    card = render_card(Reply(blocks=(Text(text="Week 48"), Image(alt=ALT, path=str(chart)))), T)
    [image] = find(card, "Image")
    assert data_uri_bytes(image["url"]) == PNG
    assert image["altText"] == ALT


def test_a_missing_or_too_large_file_shows_the_alt_text_and_a_note(tmp_path: Path) -> None:
    missing = render_card(Reply(blocks=(Image(alt=ALT, path=str(tmp_path / "weg.png")),)), T)
    assert find(missing, "Image") == []
    [note] = find(missing, "TextBlock")
    assert note["text"].startswith(ALT) and "kon niet mee" in note["text"]

    big = tmp_path / "big.png"
    big.write_bytes(PNG[:8] + b"\0" * MAX_INLINE_IMAGE)
    large = render_card(Reply(blocks=(Image(alt=ALT, path=str(big)),)), T)
    assert find(large, "Image") == []
    [note] = find(large, "TextBlock")
    assert note["text"].startswith(ALT) and "te groot" in note["text"]

    english = render_card(
        Reply(blocks=(Image(alt=ALT, path=str(big)),)), Catalogue.load().translator("en")
    )
    assert "too large" in find(english, "TextBlock")[0]["text"]

    # Teams takes images of *less than* 1 MB: exactly 1 MB is too large.
    exactly = tmp_path / "exact.png"
    exactly.write_bytes(PNG + b"\0" * (MAX_INLINE_IMAGE - len(PNG)))
    assert find(render_card(Reply(blocks=(Image(alt=ALT, path=str(exactly)),)), T), "Image") == []


async def _identity(bot: Signaalbot, chat: TeamsChat) -> tuple[int, Address]:
    await chat.say("help")  # Anna has talked to the bot: her conversation reference is stored
    async with bot.services.uow() as uow:
        person = await uow.people.find_by_identity("teams", chat.identity_user_id)
    assert person is not None
    identity = person.identity("teams")
    assert identity is not None
    return person.id, identity


async def test_proactive_and_direct_replies_carry_the_image_inline(
    sqlite_teams: TeamsChat,
    sqlite_bot: Signaalbot,
    connector: FakeConnector,
    tmp_path: Path,
    sqlite_runtime: Runtime,
) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(PNG)
    reply = Reply(
        blocks=(Text(text="Weekoverzicht", style="header"), Image(alt=ALT, path=str(chart)))
    )
    _, identity = await _identity(sqlite_bot, sqlite_teams)

    await sqlite_runtime.messengers["teams"].send(identity, reply)
    [card] = cards_of(connector.sent()[-1].body)
    assert data_uri_bytes(find(card, "Image")[0]["url"]) == PNG

    async def grafiek(ctx: TurnContext) -> None:
        await ctx.reply(reply)

    sqlite_bot.router.command("grafiek", words=["grafiek"])(grafiek)
    calls = await sqlite_teams.say("grafiek")
    [card] = cards_of(calls[-1].body)
    assert data_uri_bytes(find(card, "Image")[0]["url"]) == PNG


async def test_the_weekly_summary_arrives_with_its_chart_inline(
    sqlite_teams: TeamsChat,
    sqlite_bot: Signaalbot,
    connector: FakeConnector,
    clock: ManualClock,
    tmp_path: Path,
    sqlite_runtime: Runtime,
) -> None:
    person_id, identity = await _identity(sqlite_bot, sqlite_teams)
    reply, chart = await queued_summary(sqlite_bot, clock, person_id, tmp_path)

    await sqlite_runtime.messengers["teams"].send(identity, reply)
    body = connector.sent()[-1].body
    [card] = cards_of(body)
    assert data_uri_bytes(find(card, "Image")[0]["url"]) == chart.read_bytes()
    assert "Weekoverzicht week 48" in activity_text(body)
