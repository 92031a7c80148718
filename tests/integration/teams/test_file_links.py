"""A session's .ics on Teams: a button that opens an unguessable, expiring download link.

Why not the file in the message: an inline attachment arrives in Microsoft's clients as an
empty file, and a real file needs the OneDrive consent flow (personal chats only). The real
web app serves ``/files/{token}.ics`` as ``text/calendar``; every card is checked against the
Adaptive Cards 1.5 schema by the fake connector on loopback.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.bootstrap import Runtime, bootstrap
from cycle.sessions import session_due
from kernel.clock import ManualClock
from kernel.core import Attachment, Command, Reply
from storage.repositories.sessions import AgendaSession
from tests.conftest import make_settings
from tests.integration.teams.driver import TeamsChat
from tests.integration.teams.fake_connector import FakeConnector, cards_of, find
from tests.unit.handlers.util import with_role

SESSION_START = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)  # a data session (I), 3 weeks on


async def invited_anna(runtime: Runtime, chat: TeamsChat) -> AgendaSession:
    """Anna (a provider on Teams) is invited to a data session; the invitation is sent."""
    await chat.say("help")  # she talked to the bot: her conversation reference is stored
    async with runtime.services.uow() as uow:
        anna = await uow.people.find_by_identity("teams", chat.identity_user_id)
        assert anna is not None
        await uow.people.set_roles(anna.id, frozenset({"provider"}))
        session, _ = await uow.meetings.plan(
            key="I:links",
            kind="I",
            title="I",
            starts_at=SESSION_START,
            duration_minutes=90,
            now=runtime.services.clock.now(),
        )
        assert await session_due(uow, runtime.services, runtime.services.clock.now()) == 1
        await uow.commit()
    await runtime.scheduler.dispatch_only()
    return session


def open_url(connector: FakeConnector) -> dict[str, Any]:
    """The one Action.OpenUrl of the last message Anna got."""
    body = connector.sent()[-1].body
    attachments = body.get("attachments") or []
    assert [a["contentType"] for a in attachments] == ["application/vnd.microsoft.card.adaptive"]
    (button,) = [b for card in cards_of(body) for b in find(card, "Action.OpenUrl")]
    return button


async def download(chat: TeamsChat, url: str) -> tuple[int, dict[str, str], bytes]:
    response = await chat.client.get(urlsplit(url).path)
    return response.status, dict(response.headers), await response.read()


async def test_the_invitation_opens_the_ics_from_a_link(
    runtime: Runtime, teams: TeamsChat, connector: FakeConnector
) -> None:
    await invited_anna(runtime, teams)
    button = open_url(connector)
    assert button["title"] == "Zet in je agenda"
    assert button["url"].startswith(f"http://localhost:{runtime.settings.port}/files/")
    token = urlsplit(button["url"]).path.removeprefix("/files/").removesuffix(".ics")
    assert len(token) >= 43  # 32 random bytes

    status, headers, data = await download(teams, button["url"])
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; method=REQUEST; charset=utf-8"
    assert headers["Content-Disposition"].startswith('attachment; filename="sessie-1.ics"')
    assert headers["Cache-Control"] == "private, no-store"
    assert data.startswith(b"BEGIN:VCALENDAR") and b"METHOD:REQUEST" in data

    # Wrong extension, another token, a token too short to be ours: nothing to see.
    for path in (
        f"/files/{token}.png",
        f"/files/{'x' * 43}.ics",
        "/files/abc.ics",
        f"/files/{token}",
    ):
        response = await teams.client.get(path)
        assert response.status == 404, path


async def test_a_moved_and_a_cancelled_session_carry_their_new_ics_the_same_way(
    runtime: Runtime, teams: TeamsChat, connector: FakeConnector
) -> None:
    session = await invited_anna(runtime, teams)
    first = open_url(connector)["url"]
    await teams.say("language en")

    desk = await with_role(runtime.bot, "desk", "research_desk")
    await runtime.bot.handle(
        desk, Command(name="sessie verplaatsen", text=f"{session.id} 2026-12-17 10:00")
    )
    await runtime.scheduler.dispatch_only()
    moved = open_url(connector)
    assert moved["title"] == "Add to calendar"  # her own language, after 'language en'
    assert moved["url"] != first
    status, _, data = await download(teams, moved["url"])
    assert status == 200 and b"SEQUENCE:1" in data
    assert b"DTSTART;TZID=Europe/Amsterdam:20261217T100000" in data

    await runtime.bot.handle(desk, Command(name="sessie afzeggen", text=f"{session.id}"))
    await runtime.scheduler.dispatch_only()
    cancelled = open_url(connector)
    assert cancelled["title"] == "Remove from calendar"
    status, headers, data = await download(teams, cancelled["url"])
    assert status == 200 and b"METHOD:CANCEL" in data
    assert "method=CANCEL" in headers["Content-Type"]


async def test_a_link_expires_the_day_after_the_session(
    runtime: Runtime, teams: TeamsChat, connector: FakeConnector, clock: ManualClock
) -> None:
    await invited_anna(runtime, teams)
    url = open_url(connector)["url"]
    clock.advance(SESSION_START + timedelta(hours=23) - clock.now())
    assert (await download(teams, url))[0] == 200  # the session day: still there
    clock.advance(timedelta(days=1))
    status, _, body = await download(teams, url)
    assert status == 404
    assert "link" in body.decode("utf-8").lower()


async def test_the_same_file_keeps_one_link(
    runtime: Runtime, teams: TeamsChat, connector: FakeConnector
) -> None:
    """A resend (or a second person invited) gets the link of the same bytes, not a new row."""
    await invited_anna(runtime, teams)
    button = open_url(connector)
    async with runtime.services.uow() as uow:
        rows = [m for m in await uow.outbox.find(limit=100) if m.key.startswith("session-invite")]
    assert runtime.teams is not None
    again = await runtime.teams.messenger.links.linked(Reply.model_validate(rows[-1].payload))
    assert [b.url for b in again.blocks if isinstance(b, Attachment)] == [button["url"]]


async def test_teams_with_an_app_id_needs_the_public_address(
    sqlite_url: str, clock: ManualClock
) -> None:
    settings = make_settings(sqlite_url, teams_app_id="app", teams_tenant_id="tenant")
    with pytest.raises(ValueError, match="SIGNAALBOT_BASE_URL"):
        await bootstrap(settings, clock)
