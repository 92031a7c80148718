"""The .ics goes with the invitation as a file, and a moved or cancelled session tells everyone
invited with an updated .ics (same UID, SEQUENCE + 1; METHOD:CANCEL for a cancellation).

Real parts: the working calendar, the series config and ``cycle.ics`` (default toolkit).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cycle.sessions import session_due
from kernel.core import Action, Attachment, Reply
from storage.repositories.sessions import AgendaSession
from tests.helpers import person, say, texts
from tests.unit.handlers.util import with_role
from turn.pipeline import Signaalbot

START = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Amsterdam


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # invitations/ is written in the working directory


async def plan_i_session(bot: Signaalbot) -> AgendaSession:
    now = bot.services.clock.now()
    async with bot.services.uow() as uow:
        session, _ = await uow.meetings.plan(
            key="I:test", kind="I", title="I", starts_at=START, duration_minutes=90, now=now
        )
        await uow.commit()
    return session


async def due(bot: Signaalbot) -> int:
    async with bot.services.uow() as uow:
        added = await session_due(uow, bot.services, bot.services.clock.now())
        await uow.commit()
    return added


async def payloads(bot: Signaalbot, prefix: str) -> dict[str, Reply]:
    async with bot.services.uow() as uow:
        rows = [m for m in await uow.outbox.find(limit=1000) if m.key.startswith(prefix)]
        names = {}
        for m in rows:
            who = await uow.people.get(m.person_id)
            assert who is not None
            names[who.display_name] = Reply.model_validate(m.payload)
    return names


def attachment(reply: Reply) -> Attachment:
    found = [b for b in reply.blocks if isinstance(b, Attachment)]
    assert len(found) == 1, reply.blocks
    return found[0]


async def test_invitation_carries_the_ics_file_not_a_file_name(sqlite_bot: Signaalbot) -> None:
    await with_role(sqlite_bot, "pia", "provider")
    session = await plan_i_session(sqlite_bot)
    assert await due(sqlite_bot) == 1
    invite = (await payloads(sqlite_bot, "session-invite"))["pia"]
    ics = attachment(invite)
    assert ics.name == f"sessie-{session.id}.ics"
    assert ics.media_type == "text/calendar; method=REQUEST"
    data = Path(ics.path).read_bytes()
    assert b"METHOD:REQUEST" in data and b"SEQUENCE:0" in data
    assert ics.path not in invite.plain_text  # the message names the file; it does not print a path


async def test_moving_tells_everyone_invited_with_an_updated_ics(sqlite_bot: Signaalbot) -> None:
    await with_role(sqlite_bot, "pia", "provider")
    bert = await with_role(sqlite_bot, "bert", "policy_officer")
    await say(sqlite_bot, bert, "taal en")
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    session = await plan_i_session(sqlite_bot)
    await due(sqlite_bot)
    t = sqlite_bot.services.translator("nl")

    refused = await say(
        sqlite_bot, person("pia"), f"sessie verplaatsen {session.id} 2026-12-17 10:00"
    )
    assert "verplaatst" not in texts(refused)

    out = texts(
        await say(sqlite_bot, desk, f"sessie verplaatsen {session.id} 2026-12-17 10:00 Stadhuis")
    )
    new_start = datetime(2026, 12, 17, 9, 0, tzinfo=UTC)
    assert out == t("sessions.moved_done", id=session.id, date=t.datetime(new_start), count=2)
    async with sqlite_bot.services.uow() as uow:
        moved = await uow.meetings.get(session.id)
    assert moved is not None and moved.starts_at == new_start and moved.location == "Stadhuis"

    notices = await payloads(sqlite_bot, "session-moved")
    assert set(notices) == {"pia", "bert"}
    assert notices["pia"].plain_text.startswith("Verplaatst:")
    assert notices["bert"].plain_text.startswith("Moved:")
    ics = attachment(notices["pia"])
    data = Path(ics.path).read_bytes()
    assert b"SEQUENCE:1" in data and b"METHOD:REQUEST" in data and b"20261217T100000" in data
    first = Path(attachment((await payloads(sqlite_bot, "session-invite"))["pia"]).path)
    assert b"SEQUENCE:0" in first.read_bytes()  # the first invitation's file is left as it was
    uid = next(line for line in data.split(b"\r\n") if line.startswith(b"UID:"))
    assert uid in first.read_bytes()


async def test_cancelling_tells_everyone_and_stops_the_prompts(sqlite_bot: Signaalbot) -> None:
    await with_role(sqlite_bot, "pia", "provider")
    await with_role(sqlite_bot, "bert", "policy_officer")
    leader = await with_role(sqlite_bot, "lotte", "programme_leader")
    session = await plan_i_session(sqlite_bot)
    await due(sqlite_bot)
    t = sqlite_bot.services.translator("nl")
    out = texts(
        await say(sqlite_bot, leader, f"sessie afzeggen {session.id} Te weinig aanmeldingen")
    )
    assert out == t("sessions.cancelled_done", id=session.id, count=2)
    notice = (await payloads(sqlite_bot, "session-cancelled"))["pia"]
    assert "Reden: Te weinig aanmeldingen" in notice.plain_text
    ics = attachment(notice)
    assert ics.media_type == "text/calendar; method=CANCEL"
    data = Path(ics.path).read_bytes()
    assert b"METHOD:CANCEL" in data and b"SEQUENCE:1" in data and b"STATUS:CANCELLED" in data

    rsvp = await sqlite_bot.handle(
        person("pia"), Action(action_id="session.rsvp", value=f"{session.id}:ja")
    )
    assert texts(rsvp) == t("sessions.session_cancelled")
    sqlite_bot.services.clock.set(START - timedelta(days=7))  # type: ignore[attr-defined]
    assert await due(sqlite_bot) == 0  # no reminder for a cancelled session
    again = texts(
        await say(sqlite_bot, leader, f"sessie verplaatsen {session.id} 2026-12-17 10:00")
    )
    assert again == t("sessions.change_closed", id=session.id)


async def test_unclear_changes_are_answered_kindly(sqlite_bot: Signaalbot) -> None:
    desk = await with_role(sqlite_bot, "desk", "research_desk")
    session = await plan_i_session(sqlite_bot)
    t = sqlite_bot.services.translator("nl")
    assert texts(await say(sqlite_bot, desk, "sessie verplaatsen morgen")) == t(
        "sessions.change_usage"
    )
    bad = texts(await say(sqlite_bot, desk, f"sessie verplaatsen {session.id} 2026-02-30 25:00"))
    assert bad == t("sessions.change_bad_moment", value="2026-02-30 25:00")
    past = texts(await say(sqlite_bot, desk, f"sessie verplaatsen {session.id} 2020-01-06 10:00"))
    assert past == t("sessions.change_past")
    assert texts(await say(sqlite_bot, desk, "sessie afzeggen 999")) == t(
        "sessions.change_unknown", id=999
    )
    # Before the invitation went out, nobody needs telling: the invitation will carry the move.
    quiet = texts(await say(sqlite_bot, desk, f"sessie verplaatsen {session.id} 2027-01-11 10:00"))
    assert quiet == t(
        "sessions.moved_done_quiet",
        id=session.id,
        date=t.datetime(datetime(2027, 1, 11, 9, 0, tzinfo=UTC)),
    )
